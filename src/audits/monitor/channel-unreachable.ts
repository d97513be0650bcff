/** monitor/channel-unreachable: a test notification (monitor.verifyChannels) failed. */
import { defineAudit } from '../../core/audit.js';

export default defineAudit({
  meta: {
    id: 'monitor-channel-unreachable',
    emits: ['monitor/channel-unreachable'],
    requiredArtifacts: ['monitor'],
    description: 'Every alert channel accepts a test notification',
  },
  audit({ monitor }) {
    if (!monitor.channelTests) return { findings: [], notApplicable: 'test notifications are off (set monitor.verifyChannels: true)' };
    return {
      findings: monitor.channelTests
        .filter((t) => !t.ok)
        .map((t) => ({ rule: 'monitor/channel-unreachable', target: `monitor.channels.${t.channel}`, evidence: { channel: t.channel, type: monitor.channels.find((c) => c.name === t.channel)?.type, error: t.error } })),
      targets: monitor.channelTests.map((t) => `monitor.channels.${t.channel}`),
    };
  },
});
