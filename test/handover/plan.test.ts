/**
 * `launchready plan` ordering on a report with findings from every stage: each fix lands in the
 * block that owns its family, every "fix first" dependency comes before the fix that needs it,
 * blockers lead where nothing must precede them, accepted findings are listed apart, effort grows
 * with the number of targets. Findings are built with the real rule registry (wording, stages).
 */
import { describe, expect, it } from 'vitest';
import type { Finding, FindingDraft, Report } from '../../src/core/types.js';
import { configSchema } from '../../src/config/schema.js';
import { toFinding } from '../../src/engine/run.js';
import { registry } from '../../src/engine/registry.js';
import { launchSequence } from '../../src/engine/sequence.js';
import { scoreReport } from '../../src/engine/score.js';
import { BLOCKS } from '../../src/plan/data.js';
import { blockOf, buildPlan, effortOf, prerequisites, type LaunchPlan } from '../../src/plan/build.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { renderPlanHtml } from '../../src/plan/html.js';

const config = configSchema.parse({});
const f = (rule: string, target: string, extra: Partial<FindingDraft> = {}): Finding => toFinding({ rule, target, ...extra }, { registry: registry(), config })!;

function reportOf(findings: Finding[]): Report {
  const { overall, stages, verdict } = scoreReport(findings, new Set([1, 2, 3, 4, 5, 6, 7]));
  return {
    schemaVersion: 1,
    tool: { name: 'launchready', version: 'test' },
    startedAt: '2026-06-01T00:00:00.000Z',
    durationMs: 1,
    config: { path: null },
    verdict,
    score: { overall, stages },
    findings,
    passed: [],
    skipped: [],
    launchSequence: launchSequence(findings),
    metrics: { handover: { product: { name: 'Bikes' } } },
  };
}

const EVERY_STAGE = [
  f('secrets/committed-secret', 'src/aws.ts', { location: { file: 'src/aws.ts', line: 3 } }),
  f('env/dotenv-committed', '.env.production'),
  f('deploy/no-rollback-path', 'handover.rollback'),
  f('dns/dangling-cname', 'shop.example.com'),
  f('tls/expired', 'app.example.com:443'),
  f('tls/hostname-mismatch', 'admin.example.com:443'),
  f('edge/hsts-missing', 'https://www.example.com/'),
  f('edge/http-not-redirected', 'http://api.example.com/'),
  f('headers/csp-missing', 'https://www.example.com/'),
  f('email/dmarc-policy-none', '_dmarc.example.com'),
  f('email/spf-too-many-lookups', 'example.com'),
  f('security/cors-reflects-origin', 'https://api.example.com'),
  f('security/no-rate-limit', 'https://api.example.com/login'),
  f('security/no-rate-limit', 'https://api.example.com/signup'),
  f('perf/read-over-budget', 'GET https://api.example.com/feed'),
  f('perf/unbounded-list', 'GET https://api.example.com/feed'),
  f('db/missing-fk-index', 'messages.listing_id'),
  f('migrations/index-not-concurrent', 'migrations/002.sql'),
  f('deploy/smoke-failed', 'signup'),
  f('monitor/no-escalation', 'monitor.escalation'),
  f('monitor/single-channel', 'monitor.channels'),
  f('handover/incomplete', 'handover: environment variables and where secrets live'),
  f('handover/no-incident-owner', 'handover.incident.owner'),
  f('handover/service-without-owner', 'Stripe', { severity: 'info' }),
];

function position(plan: LaunchPlan, rule: string): number {
  for (const b of plan.blocks) for (const i of b.items) if (i.rule === rule) return i.n;
  throw new Error(`${rule} not in the plan`);
}

describe('launch plan', () => {
  const plan = buildPlan(reportOf(EVERY_STAGE), '2026-06-01T01:00:00.000Z');

  it('places each fix in the block that owns its family, one item per rule, info left out', () => {
    const where = Object.fromEntries(plan.blocks.flatMap((b) => b.items.map((i) => [i.rule, b.def.id])));
    expect(where['security/cors-reflects-origin']).toBe('A');
    expect(where['perf/read-over-budget']).toBe('A');
    expect(where['db/missing-fk-index']).toBe('A');
    expect(where['dns/dangling-cname']).toBe('B');
    expect(where['headers/csp-missing']).toBe('B');
    expect(where['secrets/committed-secret']).toBe('C');
    expect(where['email/dmarc-policy-none']).toBe('C');
    expect(where['deploy/no-rollback-path']).toBe('D');
    expect(where['migrations/index-not-concurrent']).toBe('D');
    expect(where['monitor/no-escalation']).toBe('E');
    expect(where['handover/incomplete']).toBe('E');
    expect(where['handover/service-without-owner']).toBeUndefined();
    expect(plan.blocks.flatMap((b) => b.items).filter((i) => i.rule === 'security/no-rate-limit')[0]!.targets).toHaveLength(2);
    expect(plan.blocks.map((b) => b.def.hours)).toEqual(['1-4', '4-12', '12-24', '24-36', '36-48']);
  });

  it('numbers items in block order and puts every prerequisite first', () => {
    const all = plan.blocks.flatMap((b) => b.items);
    expect(all.map((i) => i.n)).toEqual(all.map((_, k) => k + 1));
    for (const i of all) for (const a of i.after) expect(a).toBeLessThan(i.n);
    expect(position(plan, 'dns/dangling-cname')).toBeLessThan(position(plan, 'tls/expired'));
    expect(position(plan, 'tls/expired')).toBeLessThan(position(plan, 'edge/http-not-redirected'));
    expect(position(plan, 'edge/http-not-redirected')).toBeLessThan(position(plan, 'edge/hsts-missing'));
    expect(position(plan, 'email/spf-too-many-lookups')).toBeLessThan(position(plan, 'email/dmarc-policy-none'));
    expect(position(plan, 'secrets/committed-secret')).toBeLessThan(position(plan, 'env/dotenv-committed'));
    expect(position(plan, 'perf/unbounded-list')).toBeLessThan(position(plan, 'perf/read-over-budget'));
    expect(position(plan, 'deploy/no-rollback-path')).toBeLessThan(position(plan, 'migrations/index-not-concurrent'));
    expect(position(plan, 'monitor/single-channel')).toBeLessThan(position(plan, 'monitor/no-escalation'));
    const e = plan.blocks.find((b) => b.def.id === 'E')!.items;
    expect(e[e.length - 1]!.rule).toBe('handover/incomplete');
    expect(plan.blocks.flatMap((b) => b.items).find((i) => i.rule === 'edge/hsts-missing')!.after).toEqual(
      [position(plan, 'tls/expired'), position(plan, 'tls/hostname-mismatch'), position(plan, 'edge/http-not-redirected')].sort((a, b) => a - b),
    );
  });

  it('leads each block with its blockers when nothing must come before them', () => {
    const a = plan.blocks.find((b) => b.def.id === 'A')!.items;
    expect(a[0]!.severity).toBe('blocker');
    const b = plan.blocks.find((x) => x.def.id === 'B')!.items;
    expect(b[0]!.rule).toBe('dns/dangling-cname');
  });

  it('lists accepted findings apart and does not plan them', () => {
    const accepted = EVERY_STAGE.map((x) => (x.id === 'security/cors-reflects-origin' ? { ...x, deferred: { reason: 'only our own origins exist yet', by: 'ana', until: '2026-07-01' } } : x));
    const p = buildPlan(reportOf(accepted), 'now');
    expect(p.blocks.flatMap((b) => b.items).map((i) => i.rule)).not.toContain('security/cors-reflects-origin');
    expect(p.deferred).toEqual([{ rule: 'security/cors-reflects-origin', target: 'https://api.example.com', severity: 'blocker', reason: 'only our own origins exist yet', by: 'ana', until: '2026-07-01' }]);
    expect(renderPlanMarkdown(p)).toContain('only our own origins exist yet');
  });

  it('scales effort with targets (capped) and flags blocks with more work than hours', () => {
    expect(effortOf('dns/caa-missing', 1)).toBe(10);
    expect(effortOf('security/no-rate-limit', 2)).toBe(75);
    expect(effortOf('security/no-rate-limit', 100)).toBe(180);
    expect(effortOf('unknown/rule', 1)).toBe(60);
    const a = plan.blocks.find((b) => b.def.id === 'A')!;
    expect(a.effortMin).toBe(a.items.reduce((s, i) => s + i.effortMin, 0));
    expect(a.over).toBe(a.effortMin > 240);
    expect(plan.totalMin).toBe(plan.blocks.reduce((s, b) => s + b.effortMin, 0));
  });

  it('knows every family of the catalog (no rule falls into a default block)', () => {
    const families = new Set([...registry().rules.keys()].map((r) => r.slice(0, r.indexOf('/'))));
    for (const fam of families) expect(BLOCKS.some((b) => b.families.includes(fam)), fam).toBe(true);
    expect(blockOf('handover/incomplete').id).toBe('E');
    expect(prerequisites('tls/expired', new Set(['dns/unresolved', 'edge/hsts-missing']))).toEqual(['dns/unresolved']);
  });

  it('writes a tickable checklist in Markdown and HTML', () => {
    const md = renderPlanMarkdown(plan);
    expect(md).toContain('# Launch plan: Bikes');
    expect(md).toMatch(/^- \[ \] \*\*#1 /m);
    expect(md).toContain('## Hours 36-48: Monitoring and handover');
    expect(md).toContain('`launchready audit`');
    const html = renderPlanHtml(plan);
    expect(html.match(/type="checkbox"/g)!.length).toBe(plan.blocks.reduce((s, b) => s + b.items.length + b.def.deliverables.length, 0));
    expect(html).not.toContain('<script');
  });
});
