/**
 * The engine with in-memory families and gatherers (pure logic: no network involved, so nothing
 * is mocked that could run for real).
 */
import { describe, expect, it } from 'vitest';
import { defineAudit, defineGatherer, type Gatherer } from '../../src/core/audit.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { runAudit } from '../../src/engine/run.js';
import { diffReports } from '../../src/engine/baseline.js';
import { configSchema } from '../../src/config/schema.js';
import type { AuditFamily } from '../../src/audits/family.js';
import type { Net } from '../../src/net/types.js';
import { NOW } from '../helpers/builders.js';

const rule = (id: string, severity: 'blocker' | 'high' | 'medium' | 'low' = 'high') => ({
  id,
  stage: 2 as const,
  severity,
  title: `title of ${id}`,
  why: 'because it matters a lot',
  remediation: 'do the concrete fix now',
});

function family(opts: { throwInAudit?: boolean } = {}): AuditFamily {
  return {
    name: 'dns',
    rules: [rule('dns/unresolved', 'blocker'), rule('dns/caa-missing', 'low')],
    audits: [
      defineAudit({
        meta: { id: 'a1', emits: ['dns/unresolved'], requiredArtifacts: ['dns'], description: 'x' },
        audit({ dns }) {
          if (opts.throwInAudit) throw new Error('boom');
          return { findings: dns.filter((d) => !d.addresses.length).map((d) => ({ rule: 'dns/unresolved', target: d.name })), targets: dns.map((d) => d.name) };
        },
      }),
      defineAudit({
        meta: { id: 'a2', emits: ['dns/caa-missing'], requiredArtifacts: ['tls'], description: 'y' },
        audit: () => ({ findings: [{ rule: 'dns/caa-missing', target: 'example.com' }] }),
      }),
    ],
  };
}

const dnsGatherer = (names: { name: string; addresses: string[] }[]) =>
  defineGatherer({
    id: 'dns',
    title: 'dns',
    async gather() {
      return names.map((n) => ({ ...n, cnameChain: [], finalName: n.name, a: {} as never, aaaa: {} as never }));
    },
  }) as Gatherer;
const failingTls = defineGatherer({
  id: 'tls',
  title: 'tls',
  async gather() {
    throw new Error('handshake exploded');
  },
}) as Gatherer;

const net = { options: { connectTo: [] } } as unknown as Net;

async function run(opts: { rules?: Record<string, string>; throwInAudit?: boolean; names?: { name: string; addresses: string[] }[] } = {}) {
  const registry = buildRegistry([family(opts)], [dnsGatherer(opts.names ?? [{ name: 'a.example.com', addresses: [] }, { name: 'b.example.com', addresses: ['192.0.2.1'] }]), failingTls]);
  const config = configSchema.parse({ rules: opts.rules ?? {} });
  return (await runAudit({ config, configPath: null, baseDir: '.', net, registry, now: () => NOW })).report;
}

describe('engine', () => {
  it('produces a report in the documented shape', async () => {
    const r = await run();
    expect(r).toMatchObject({ schemaVersion: 1, tool: { name: 'launchready' }, verdict: 'not-ready', config: { path: null } });
    expect(r.findings).toEqual([
      expect.objectContaining({ id: 'dns/unresolved', stage: 2, severity: 'blocker', target: 'a.example.com', docs: 'docs/rules.md#dnsunresolved', title: 'title of dns/unresolved' }),
    ]);
    expect(r.findings[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(r.launchSequence[0]).toMatchObject({ order: 1, stage: 2, findingIds: ['dns/unresolved'] });
    expect(r.checked).toEqual([
      { rule: 'dns/unresolved', target: 'a.example.com' },
      { rule: 'dns/unresolved', target: 'b.example.com' },
    ]);
    expect(r.startedAt).toBe(new Date(NOW).toISOString());
  });
  it('skips an audit whose artifact failed, with the reason, and goes on', async () => {
    const r = await run();
    expect(r.skipped).toEqual([{ id: 'dns/caa-missing', reason: 'tls: handshake exploded' }]);
  });
  it('records an audit that throws as an error, not a crash', async () => {
    const r = await run({ throwInAudit: true });
    expect(r.errors?.[0]).toMatchObject({ audit: 'a1' });
    expect(r.errors?.[0]!.message).toContain('boom');
  });
  it('applies severity overrides and off', async () => {
    expect((await run({ rules: { 'dns/unresolved': 'medium' } })).findings[0]!.severity).toBe('medium');
    const off = await run({ rules: { 'dns/unresolved': 'off' } });
    expect(off.findings).toEqual([]);
    expect(off.skipped).toContainEqual({ id: 'dns/unresolved', reason: 'off in config' });
  });
  it('lists clean rules as passed', async () => {
    const r = await run({ names: [{ name: 'b.example.com', addresses: ['192.0.2.1'] }] });
    expect(r.passed).toEqual(['dns/unresolved']);
    expect(r.verdict).toBe('ready');
  });
  it('diffs against a baseline by fingerprint', async () => {
    const before = await run();
    const after = await run({ names: [{ name: 'b.example.com', addresses: ['192.0.2.1'] }] });
    const d = diffReports(before, after, 'old.json');
    expect(d.fixedFindings.map((f) => f.target)).toEqual(['a.example.com']);
    expect(d.newFindings).toEqual([]);
    expect(d.metricDeltas.find((m) => m.name === 'score')).toMatchObject({ before: before.score.overall, after: 100 });
  });
});

describe('exclusive gatherers', () => {
  it('run alone, after every other gatherer has finished', async () => {
    const log: string[] = [];
    const slow = (id: 'dns' | 'tls', ms: number, exclusive = false) =>
      defineGatherer({
        id,
        title: id,
        exclusive,
        async gather() {
          log.push(`start ${id}`);
          await new Promise((r) => setTimeout(r, ms));
          log.push(`end ${id}`);
          return [] as never;
        },
      }) as Gatherer;
    // tls (exclusive, e.g. a load test) is listed first but must wait for dns to end.
    const registry = buildRegistry([family()], [slow('tls', 5, true), slow('dns', 30)]);
    await runAudit({ config: configSchema.parse({}), configPath: null, baseDir: '.', net, registry, now: () => NOW });
    expect(log).toEqual(['start dns', 'end dns', 'start tls', 'end tls']);
  });
});
