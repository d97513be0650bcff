/**
 * The deploy family: pure audits (fires / staysQuiet tables), the ci and rollback gatherers on temp
 * repos, and the whole family end to end against the demo (flawed plants health, stale asset and
 * no-CI; --fixed passes every deploy rule, smoke included).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FindingDraft } from '../../src/core/types.js';
import type { AuditContext } from '../../src/core/audit.js';
import { configSchema } from '../../src/config/schema.js';
import { family as deploy } from '../../src/audits/deploy/index.js';
import smokeFailed from '../../src/audits/deploy/smoke-failed.js';
import healthFailing, { interpretHealth } from '../../src/audits/deploy/health-failing.js';
import staleAssets from '../../src/audits/deploy/stale-assets.js';
import noCiBuild from '../../src/audits/deploy/no-ci-build.js';
import noRollbackPath from '../../src/audits/deploy/no-rollback-path.js';
import type { AssetCheck, CiFile } from '../../src/audits/deploy/artifact.js';
import type { FlowResult } from '../../src/flow/types.js';
import { classifyCi, findCiFiles } from '../../src/gather/ci.js';
import { findRollbackDocs } from '../../src/gather/rollback.js';
import { exchange, NOW } from '../helpers/builders.js';
import { FAMILIES } from '../../src/audits/index.js';
import { GATHERERS } from '../../src/gather/index.js';
import smokeG from '../../src/gather/smoke.js';
import healthG from '../../src/gather/health.js';
import assetsG from '../../src/gather/assets.js';
import ciG from '../../src/gather/ci.js';
import rollbackG from '../../src/gather/rollback.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { runAudit } from '../../src/engine/run.js';
import { startDemo } from '../../src/demo/index.js';
import { toNetOptions } from '../../src/config/net-options.js';
import { createNet } from '../../src/net/index.js';
import { smokeCommandCore } from '../../src/flow/smoke.js';
import type { Gatherer } from '../../src/core/audit.js';

const ctx: AuditContext = { config: configSchema.parse({}), now: NOW };
const rules = (f: FindingDraft[]) => f.map((x) => x.rule);

const flowResult = (o: Partial<FlowResult> = {}): FlowResult => ({
  flow: 'core', baseUrl: 'https://m.test', ok: true, startedAt: '2026-06-01T00:00:00Z', durationMs: 10, steps: [], cleanup: [], ...o,
});
const failedFlow = flowResult({
  ok: false,
  failedStep: 'signup',
  steps: [{ name: 'signup', phase: 'step', method: 'POST', url: 'https://m.test/api/signup', outcome: 'failed', status: 500, durationMs: 5, captured: [],
    expectations: [{ expectation: 'status == 201', pass: false, text: 'status (500) == 201' }], reason: 'status (500) == 201',
    got: { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"db"}', bodyTruncated: false } }],
});
const health = (status: number, body: string, ms = 20) => ({ health: { url: 'https://m.test/health', maxMs: 500, exchange: exchange('https://m.test/health', { status, body, timing: { totalMs: ms } }) } });
const asset = (o: Partial<AssetCheck> = {}): AssetCheck => ({ url: 'https://m.test/a.js', kind: 'script', status: 200, contentType: 'application/javascript', ms: 3, ...o });
const assets = (list: AssetCheck[]) => ({ assets: { page: 'https://m.test/', finalUrl: 'https://m.test/', pageStatus: 200, assets: list, skipped: [] } });
const ci = (files: Partial<CiFile>[]) => ({ ci: { root: '.', files: files.map((f) => ({ path: '.github/workflows/ci.yml', provider: 'github-actions' as const, install: true, build: true, ...f })) } });

describe('deploy audits', () => {
  it.each<[string, () => FindingDraft[], string]>([
    ['smoke: a failed flow', () => smokeFailed.audit({ smoke: { flows: [failedFlow] } }, ctx).findings, 'deploy/smoke-failed'],
    ['smoke: a flow over its time cap', () => smokeFailed.audit({ smoke: { flows: [flowResult({ ok: false, error: { code: 'TIMEOUT', message: 't' } })] } }, ctx).findings, 'deploy/smoke-failed'],
    ['health: 404', () => healthFailing.audit(health(404, ''), ctx).findings, 'deploy/health-failing'],
    ['health: unreachable', () => healthFailing.audit(health(0, ''), ctx).findings, 'deploy/health-failing'],
    ['health: actuator DOWN with 503', () => healthFailing.audit(health(503, '{"status":"DOWN","components":{"db":{"status":"DOWN"}}}'), ctx).findings, 'deploy/health-failing'],
    ['health: 200 but a component DOWN', () => healthFailing.audit(health(200, '{"status":"UP","components":{"mail":{"status":"DOWN"}}}'), ctx).findings, 'deploy/health-failing'],
    ['health: {ok:false}', () => healthFailing.audit(health(200, '{"ok":false}'), ctx).findings, 'deploy/health-failing'],
    ['health: health+json fail check', () => healthFailing.audit(health(200, '{"status":"pass","checks":{"db:connections":[{"status":"fail"}]}}'), ctx).findings, 'deploy/health-failing'],
    ['health: slow', () => healthFailing.audit(health(200, '{"status":"UP"}', 900), ctx).findings, 'deploy/health-failing'],
    ['assets: 404', () => staleAssets.audit(assets([asset(), asset({ url: 'https://m.test/old.css', kind: 'style', status: 404 })]), ctx).findings, 'deploy/stale-assets'],
    ['assets: html fallback for a script', () => staleAssets.audit(assets([asset({ contentType: 'text/html; charset=utf-8' })]), ctx).findings, 'deploy/stale-assets'],
    ['assets: connection error', () => staleAssets.audit(assets([asset({ status: 0, error: 'CONNECT: refused' })]), ctx).findings, 'deploy/stale-assets'],
    ['ci: no files', () => noCiBuild.audit(ci([]), ctx).findings, 'deploy/no-ci-build'],
    ['ci: lint-only workflow', () => noCiBuild.audit(ci([{ build: false }]), ctx).findings, 'deploy/no-ci-build'],
    ['rollback: nothing anywhere', () => noRollbackPath.audit({ rollback: { configSteps: [], docs: [], repoChecked: true } }, ctx).findings, 'deploy/no-rollback-path'],
  ])('fires: %s', (_n, run, rule) => {
    expect(rules(run())).toEqual([rule]);
  });

  it.each<[string, () => FindingDraft[]]>([
    ['smoke: passing flows', () => smokeFailed.audit({ smoke: { flows: [flowResult(), flowResult({ flow: 'b' })] } }, ctx).findings],
    ['health: actuator UP', () => healthFailing.audit(health(200, '{"status":"UP","components":{"db":{"status":"UP"}}}'), ctx).findings],
    ['health: plain "OK" text', () => healthFailing.audit(health(204, ''), ctx).findings],
    ['health: {ok:true, db:"up"}', () => healthFailing.audit(health(200, '{"ok":true,"db":"up"}'), ctx).findings],
    ['health: health+json pass', () => healthFailing.audit(health(200, '{"status":"pass","checks":{"db":[{"status":"pass"}]}}'), ctx).findings],
    ['assets: all load', () => staleAssets.audit(assets([asset(), asset({ kind: 'style', contentType: 'text/css' })]), ctx).findings],
    ['ci: install + build', () => noCiBuild.audit(ci([{ build: false }, {}]), ctx).findings],
    ['rollback: config steps', () => noRollbackPath.audit({ rollback: { configSteps: ['redeploy v1'], docs: [], repoChecked: false } }, ctx).findings],
    ['rollback: ROLLBACK.md', () => noRollbackPath.audit({ rollback: { configSteps: [], docs: ['ROLLBACK.md'], repoChecked: true } }, ctx).findings],
  ])('staysQuiet: %s', (_n, run) => {
    expect(run()).toEqual([]);
  });

  it('puts the failing step, expected and got in the smoke evidence', () => {
    const [f] = smokeFailed.audit({ smoke: { flows: [failedFlow] } }, ctx).findings;
    expect(f).toMatchObject({ target: 'flow:core', evidence: { step: 'signup', request: 'POST https://m.test/api/signup', expected: ['status == 201'], reason: 'status (500) == 201', got: { status: 500 } } });
  });

  it('names failing dependencies and grades "warn" as high', () => {
    expect(interpretHealth('{"status":"UP","components":{"db":{"status":"UP"},"mail":{"status":"DOWN"}}}')).toEqual({ state: 'fail', failing: ['mail'], warning: [] });
    const [w] = healthFailing.audit(health(200, '{"status":"warn","checks":{"cache":[{"status":"warn"}]}}'), ctx).findings;
    expect(w).toMatchObject({ severity: 'high', evidence: { problem: 'degraded', warning: ['cache'] } });
  });
});

describe('ci and rollback gatherers on a repo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lr-deploy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const put = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };

  it.each<[string, string, boolean, boolean]>([
    ['github actions npm', 'jobs: { b: { steps: [ { run: "npm ci" }, { run: "npm run build" } ] } }', true, true],
    ['gitlab pnpm', 'build:\n  script:\n    - pnpm install --frozen-lockfile\n    - pnpm build\n', true, true],
    ['circleci docker', 'jobs:\n  b:\n    steps:\n      - run: docker build -t app .\n', true, true],
    ['lint only', 'jobs: { l: { steps: [ { run: "npm ci" }, { run: "npm run lint" } ] } }', true, false],
    ['broken yaml still read', 'jobs: [\n  run: npm ci && npm run build', true, true],
  ])('classifies %s', (_n, text, install, build) => {
    const f = classifyCi('x.yml', 'github-actions', text);
    expect([f.install, f.build]).toEqual([install, build]);
  });

  it('finds every provider and rollback docs', async () => {
    put('.github/workflows/ci.yml', 'on: push\n');
    put('.gitlab-ci.yml', 'x: 1\n');
    put('.circleci/config.yml', 'x: 1\n');
    put('bitbucket-pipelines.yml', 'x: 1\n');
    put('.buildkite/pipeline.yml', 'x: 1\n');
    expect((await findCiFiles(dir)).map((f) => f.provider)).toEqual(['github-actions', 'gitlab-ci', 'circleci', 'bitbucket-pipelines', 'buildkite']);
    expect(await findRollbackDocs(dir)).toEqual([]);
    put('README.md', '# App\n\n## Rollback\n\nRedeploy the previous tag.\n');
    put('docs/ops/rollback-db.md', 'x');
    expect(await findRollbackDocs(dir)).toEqual(['docs/ops/rollback-db.md', 'README.md']);
  });
});

describe('deploy family end to end on the demo', () => {
  const registry = buildRegistry([...FAMILIES.filter((f) => f.name !== 'deploy'), deploy], [...GATHERERS.filter((g) => !['smoke', 'health', 'assets', 'ci', 'rollback'].includes(g.id)), smokeG, healthG, assetsG, ciG, rollbackG] as Gatherer[]);

  async function auditDemo(flawed: boolean) {
    const demo = await startDemo({ flawed });
    try {
      const { config, baseDir } = await loadDemoConfig(demo.config, demo.repoDir);
      const net = createNet(await toNetOptions(config, baseDir));
      try {
        const { report } = await runAudit({ config, configPath: null, baseDir, net, registry, only: ['deploy'] });
        const smoke = await smokeCommandCore(config, net, { baseDir });
        return { report, smoke, requests: demo.servers.flatMap((s) => s.requests) };
      } finally {
        await net.close();
      }
    } finally {
      await demo.stop();
    }
  }

  it('flawed: failing health dependency, stale stylesheet, no CI build, reset mail never sent; the core flow still passes', async () => {
    const { report, smoke } = await auditDemo(true);
    const found = report.findings.map((f) => [f.id, f.target]);
    expect(found).toContainEqual(['deploy/health-failing', 'https://www.market.test/api/health']);
    expect(found).toContainEqual(['deploy/stale-assets', 'https://www.market.test/']);
    expect(found).toContainEqual(['deploy/no-ci-build', '.']);
    expect(report.findings.find((f) => f.id === 'deploy/health-failing')!.evidence).toMatchObject({ problem: 'non-2xx', status: 503, failing: ['mail'] });
    expect(report.findings.find((f) => f.id === 'deploy/stale-assets')!.evidence).toMatchObject({ broken: [{ url: 'https://www.market.test/assets/app.2b7e40.css', problem: 'status 404' }] });
    expect(report.passed).toEqual(expect.arrayContaining(['deploy/no-rollback-path']));
    // The flawed app accepts the reset request but its production env has no SMTP settings.
    expect(report.findings.filter((f) => f.id === 'deploy/smoke-failed').map((f) => f.target)).toEqual(['flow:reset']);
    expect(report.findings.find((f) => f.id === 'deploy/smoke-failed')!.evidence).toMatchObject({ step: 'reset-mail' });
    expect(smoke.ok).toBe(false);
    expect(smoke.results[0]!.steps.every((s) => s.outcome === 'passed')).toBe(true);
    expect(smoke.results[0]!.cleanup[0]!.outcome).toBe('passed');
  });

  it('fixed: every deploy rule passes, over https with a __Host- session cookie', async () => {
    const { report, smoke } = await auditDemo(false);
    expect(report.findings).toEqual([]);
    expect(report.passed.sort()).toEqual(['deploy/health-failing', 'deploy/no-ci-build', 'deploy/no-rollback-path', 'deploy/smoke-failed', 'deploy/stale-assets']);
    expect(smoke.findings).toEqual([]);
    expect(smoke.results[0]!.steps.map((s) => s.outcome)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    expect(smoke.results[1]!.steps.map((s) => [s.name, s.outcome])).toEqual([['request-reset', 'passed'], ['reset-mail', 'passed'], ['open-link', 'passed']]);
  });
});

/** The demo hands a config object whose paths resolve from its repository, as `launchready demo` does. */
async function loadDemoConfig(input: unknown, repoDir: string) {
  return { config: configSchema.parse(input), baseDir: repoDir };
}
