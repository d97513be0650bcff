/** The monitor family: every rule fires and stays quiet (tables), plus a run through the engine. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import channelUnreachable from '../../src/audits/monitor/channel-unreachable.js';
import checksCoverage from '../../src/audits/monitor/checks-coverage.js';
import errorTracking from '../../src/audits/monitor/error-tracking.js';
import { family } from '../../src/audits/monitor/index.js';
import routing from '../../src/audits/monitor/routing.js';
import type { MonitorArtifact } from '../../src/audits/monitor/artifact.js';
import { FAMILIES } from '../../src/audits/index.js';
import { configSchema, type LaunchreadyConfigInput } from '../../src/config/schema.js';
import { GATHERERS } from '../../src/gather/index.js';
import monitorGatherer, { scanErrorTracking } from '../../src/gather/monitor.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { runAudit } from '../../src/engine/run.js';
import { demoMonitorConfig } from '../../src/monitor/demo.js';
import { summariseConfig } from '../../src/monitor/summary.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';

const ctx = { config: configSchema.parse({}), now: 0 };

/** A monitor artifact from a monitor config section (the gatherer's pure part). */
function art(monitor: LaunchreadyConfigInput['monitor'] | undefined, o: Partial<MonitorArtifact> = {}): MonitorArtifact {
  const cfg = configSchema.parse(monitor ? { monitor } : {});
  return { ...summariseConfig(cfg.monitor), errorTracking: { config: [], dependencies: [], envKeys: [], scanned: 1, applicable: true }, channelTests: null, ...o };
}
const CHECKS = [
  { id: 'home', kind: 'http', url: 'https://www.example.com/' },
  { id: 'api', kind: 'http', url: 'https://api.example.com/healthz' },
  { id: 'signup', kind: 'http', url: 'https://api.example.com/signup', method: 'POST' },
];
const CHANNELS = { mail: { type: 'email', smtp: { host: 'smtp.example.com' }, from: 'a@example.com', to: ['b@example.com'] }, slack: { type: 'slack', webhookUrl: 'https://hooks.example.com/x' } };
const GOOD = {
  checks: CHECKS,
  channels: CHANNELS,
  escalation: { steps: [{ after: '0m', notify: ['slack'] }, { after: '10m', notify: ['mail'] }] },
  slos: [{ name: 'api', checks: ['api'], availability: 99.9 }],
} as LaunchreadyConfigInput['monitor'];
const withM = (patch: Record<string, unknown>) => ({ ...GOOD, ...patch }) as LaunchreadyConfigInput['monitor'];

type Case = [string, MonitorArtifact];
const TABLES: { rule: string; audit: { audit: (a: { monitor: MonitorArtifact }, c: typeof ctx) => { findings: { rule: string; evidence?: Record<string, unknown> }[] } }; fires: Case[]; quiet: Case[] }[] = [
  {
    rule: 'monitor/no-uptime-checks',
    audit: checksCoverage,
    fires: [
      ['a monitor with no checks', art(withM({ checks: [], slos: [] }))],
      ['only the homepage', art(withM({ checks: [CHECKS[0]], slos: [] }))],
      ['no core action', art(withM({ checks: CHECKS.slice(0, 2) }))],
    ],
    quiet: [
      ['homepage, health and a POST', art(GOOD)],
      ['a flow check as the core action', art(withM({ checks: [...CHECKS.slice(0, 2), { id: 'core', kind: 'flow', flow: 'checkout' }] }))],
      ['explicit roles', art(withM({ checks: [{ id: 'a', kind: 'http', url: 'https://x.example.com/app', role: 'homepage' }, { id: 'b', kind: 'tcp', host: 'db', port: 5432, role: 'api-health' }, { id: 'c', kind: 'http', url: 'https://x.example.com/buy', role: 'core-action' }], slos: [] }))],
    ],
  },
  {
    rule: 'monitor/single-channel',
    audit: routing,
    fires: [
      ['one Slack channel', art(withM({ channels: { slack: CHANNELS.slack }, escalation: undefined }))],
      ['two Slack webhooks', art(withM({ channels: { a: CHANNELS.slack, b: CHANNELS.slack }, escalation: undefined }))],
      ['no channel at all', art(withM({ channels: {}, escalation: undefined }))],
    ],
    quiet: [['email plus Slack', art(GOOD)]],
  },
  {
    rule: 'monitor/no-escalation',
    audit: routing,
    fires: [
      ['no policy', art(withM({ escalation: undefined }))],
      ['every step at 0m', art(withM({ escalation: { steps: [{ after: '0m', notify: ['slack', 'mail'] }] } }))],
      ['a later step to the same channel only', art(withM({ escalation: { steps: [{ after: '0m', notify: ['slack'] }, { after: '10m', notify: ['slack'] }] } }))],
    ],
    quiet: [
      ['a second channel after 10 minutes', art(GOOD)],
      ['first notification itself delayed', art(withM({ escalation: { steps: [{ after: '2m', notify: ['slack'] }] } }))],
    ],
  },
  {
    rule: 'monitor/no-slo',
    audit: routing,
    fires: [['no objectives', art(withM({ slos: [] }))]],
    quiet: [
      ['an availability objective', art(GOOD)],
      ['a latency objective', art(withM({ slos: [{ name: 'p95', checks: ['api'], latency: { below: '300ms' } }] }))],
    ],
  },
  {
    rule: 'monitor/no-error-tracking',
    audit: errorTracking,
    fires: [['nothing in deps, env or config', art(GOOD)]],
    quiet: [
      ['@sentry/node in package.json', art(GOOD, { errorTracking: { config: [], dependencies: ['package.json: @sentry/node'], envKeys: [], scanned: 1, applicable: true } })],
      ['OTEL endpoint in .env.production', art(GOOD, { errorTracking: { config: [], dependencies: [], envKeys: ['.env.production: OTEL_EXPORTER_OTLP_ENDPOINT'], scanned: 1, applicable: true } })],
      ['a DSN in the monitor config', art(GOOD, { errorTracking: { config: ['monitor.errorTracking.sentryDsn'], dependencies: [], envKeys: [], scanned: 0, applicable: true } })],
    ],
  },
  {
    rule: 'monitor/channel-unreachable',
    audit: channelUnreachable,
    fires: [['a failed test notification', art(GOOD, { channelTests: [{ channel: 'slack', ok: false, error: 'HTTP 404' }, { channel: 'mail', ok: true }] })]],
    quiet: [['both delivered', art(GOOD, { channelTests: [{ channel: 'slack', ok: true }, { channel: 'mail', ok: true }] })]],
  },
];

describe.each(TABLES)('$rule', ({ rule, audit, fires, quiet }) => {
  it.each(fires)('fires: %s', (_n, a) => {
    expect(audit.audit({ monitor: a }, ctx).findings.map((f) => f.rule)).toContain(rule);
  });
  it.each(quiet)('stays quiet: %s', (_n, a) => {
    expect(audit.audit({ monitor: a }, ctx).findings.map((f) => f.rule)).not.toContain(rule);
  });
});

describe('not applicable', () => {
  it('skips routing and coverage without a monitor section, and channel tests when off', () => {
    const a = art(undefined, { errorTracking: { config: [], dependencies: [], envKeys: [], scanned: 0, applicable: false } });
    for (const au of [checksCoverage, routing, errorTracking, channelUnreachable]) expect(au.audit({ monitor: a }, ctx).notApplicable).toBeTruthy();
  });
  it('every rule of the family is emitted by some audit', () => {
    const emitted = new Set(family.audits.flatMap((a) => a.meta.emits));
    expect(family.rules.map((r) => r.id).filter((id) => !emitted.has(id))).toEqual([]);
  });
});

describe('error-tracking scan of a repository', () => {
  const root = mkdtempSync(join(tmpdir(), 'lr-errtrack-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('finds SDKs in workspace package.json files and non-empty env keys, ignoring examples', () => {
    mkdirSync(join(root, 'apps', 'api'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ dependencies: { react: '1' } }));
    writeFileSync(join(root, 'apps', 'api', 'package.json'), JSON.stringify({ dependencies: { '@sentry/node': '^9', fastify: '5' } }));
    writeFileSync(join(root, '.env.production'), 'SENTRY_DSN=https://k@o1.ingest.example.com/1\nOTEL_EXPORTER_OTLP_ENDPOINT=\n');
    writeFileSync(join(root, '.env.example'), 'OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318\n');
    const r = scanErrorTracking(root, []);
    expect(r.dependencies).toEqual(['apps/api/package.json: @sentry/node']);
    expect(r.envKeys).toEqual(['.env.production: SENTRY_DSN']);
  });
});

describe('through the engine (demo monitor config)', () => {
  const reg = buildRegistry([...FAMILIES.filter((f) => f.name !== 'monitor'), family], [...GATHERERS.filter((g) => g.id !== 'monitor'), monitorGatherer]);
  const run = async (flawed: boolean) => {
    const net = createNet(defaultNetOptions());
    try {
      const { report } = await runAudit({
        registry: reg,
        config: configSchema.parse({ name: 'demo', monitor: demoMonitorConfig('market.test', flawed) }),
        configPath: null,
        baseDir: process.cwd(),
        net,
        only: ['monitor'],
        now: () => Date.parse('2026-06-01T00:00:00Z'),
      });
      return report;
    } finally {
      await net.close();
    }
  };
  it('flawed: single channel, no escalation, no SLO', async () => {
    const r = await run(true);
    expect(r.findings.map((f) => f.id).sort()).toEqual(['monitor/no-escalation', 'monitor/no-slo', 'monitor/single-channel']);
  });
  it('fixed: clean', async () => {
    const r = await run(false);
    expect(r.findings).toEqual([]);
    expect(r.passed).toEqual(expect.arrayContaining(['monitor/no-uptime-checks', 'monitor/single-channel', 'monitor/no-escalation', 'monitor/no-slo', 'monitor/no-error-tracking']));
  });
});
