/**
 * The demo's monitor section (src/demo/index.ts). Flawed: the checks cover homepage, API health
 * and the core flow, but alerts go to one Slack channel, nothing escalates and there is no SLO
 * (monitor/single-channel, monitor/no-escalation, monitor/no-slo). Fixed: email plus Slack plus a
 * pager webhook, a 10-minute escalation with repeats, and availability/latency objectives.
 * Channel URLs are on the reserved .test domain and are never contacted (verifyChannels is off).
 */
import type { LaunchreadyConfigInput } from '../config/schema.js';

export function demoMonitorConfig(apex: string, flawed: boolean): NonNullable<LaunchreadyConfigInput['monitor']> {
  const checks = [
    { id: 'homepage', kind: 'http' as const, url: `https://www.${apex}/`, conditions: ['[STATUS] == 200', '[RESPONSE_TIME] < 1000'] },
    { id: 'api-health', kind: 'http' as const, url: `https://api.${apex}/api/health`, conditions: ['[STATUS] == 200'], parent: 'homepage' },
    { id: 'core-flow', kind: 'flow' as const, flow: 'core', interval: '5m' },
  ];
  const errorTracking = { sentryDsn: `https://public@errors.${apex}/1` };
  if (flawed) return { checks, channels: { slack: { type: 'slack', webhookUrl: `https://hooks.${apex}/slack/ops` } }, errorTracking };
  return {
    publicUrl: `https://status.${apex}`,
    checks,
    channels: {
      email: { type: 'email', smtp: { host: `smtp.${apex}`, port: 587 }, from: `alerts@${apex}`, to: [`oncall@${apex}`] },
      slack: { type: 'slack', webhookUrl: `https://hooks.${apex}/slack/ops` },
      pager: { type: 'webhook', url: `https://pager.${apex}/hook`, secret: 'demo-signing-secret' },
    },
    escalation: { steps: [{ after: '0m', notify: ['email', 'slack'] }, { after: '10m', notify: ['pager'] }], repeat: '30m' },
    slos: [
      { name: 'api availability', checks: ['api-health'], availability: 99.9, window: '30d' },
      { name: 'homepage latency', checks: ['homepage'], latency: { percentile: 95, below: '300ms' }, window: '30d' },
    ],
    errorTracking,
  };
}
