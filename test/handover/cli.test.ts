/**
 * Stage 7 through the CLI on a real project folder: `audit` gathers the handover facts from a git
 * repository with env files holding real-looking credentials, `handover` writes the pack from the
 * recorded run, `plan` the sprint, `accept` defers a finding until a date (and an expired
 * acceptance stops applying). No network: the config names no domains.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types.js';
import { cli as runCli } from '../helpers/cli.js';

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const base62 = (n: number) => [...randomBytes(n)].map((b) => B62[b % 62]).join('');

const dir = mkdtempSync(join(tmpdir(), 'lr-handover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = {
  stripe: 'sk_live_' + base62(32),
  aws: 'AKIA' + base62(16).toUpperCase().replace(/[^A-Z2-7]/g, 'Q'),
  awsSecret: base62(40),
  dbPassword: base62(24),
  interpolated: 'rk_live_' + base62(32),
};

beforeAll(() => {
  const w = (p: string, s: string) => {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), s);
  };
  w('package.json', JSON.stringify({ name: 'bikes', dependencies: { stripe: '^17.0.0', '@sentry/node': '^9.0.0', fastify: '^5.0.0' } }));
  w('.env.production', `DATABASE_URL=postgres://app:${SECRETS.dbPassword}@db.internal:5432/bikes\nSTRIPE_SECRET_KEY=${SECRETS.stripe}\nAWS_ACCESS_KEY_ID=${SECRETS.aws}\nAWS_SECRET_ACCESS_KEY=${SECRETS.awsSecret}\nLOG_LEVEL=info\n`);
  w('.env.example', 'DATABASE_URL=\nSTRIPE_SECRET_KEY=\nAWS_ACCESS_KEY_ID=\nAWS_SECRET_ACCESS_KEY=\nLOG_LEVEL=info\n');
  w('.github/workflows/ci.yml', 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npm run build\n');
  w('.gitignore', '.env.production\n.launchready/\n');
  w(
    'launchready.config.yaml',
    [
      'name: Bikes',
      'repo: { path: ., history: false }',
      'env: { files: { production: .env.production } }',
      'handover:',
      '  owners: { product: "Ana <ana@bikes.test>" }',
      '  deploy: { steps: ["git push fly main"] }',
      '  secretLocations: { "*": "Fly.io secrets" }',
      '  services:',
      '    - { name: Stripe, purpose: payments, billingOwner: Ana, credentials: "old key ${STRIPE_OLD}" }',
      '  knownIssues: []',
      '  rollback: ["fly releases rollback"]',
      '',
    ].join('\n'),
  );
  execFileSync('git', ['init', '-q'], { cwd: dir });
});

const env = { STRIPE_OLD: SECRETS.interpolated };
/** Every call sees the variable the config interpolates. */
const cli = (argv: string[], o: { cwd: string; env?: Record<string, string> }) => runCli(argv, { ...o, env: { ...env, ...o.env } });

function allText(root: string): string {
  let out = '';
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out += allText(p);
    else if (!e.name.endsWith('.db') && !e.name.endsWith('.pdf')) out += readFileSync(p, 'utf8');
  }
  return out;
}

async function audit(out: string): Promise<Report> {
  const r = await cli(['audit', '--only', 'handover,deploy', '--format', 'json', '--out', out, '--quiet'], { cwd: dir, env });
  expect(r.stderr).not.toMatch(/internal error/);
  expect([0, 1]).toContain(r.code);
  return JSON.parse(readFileSync(join(out, 'launchready-report.json'), 'utf8')) as Report;
}

describe('handover, plan and accept from the command line', () => {
  it('audit finds the handover gaps from the real repository', async () => {
    const report = await audit(join(dir, 'out1'));
    const found = report.findings.map((f) => [f.id, f.target]);
    expect(found).toContainEqual(['handover/no-incident-owner', 'handover.incident.owner']);
    // Sentry and AWS are in use (SDK, env names) but not listed; Stripe is listed with an owner.
    expect(found).toContainEqual(['handover/service-without-owner', 'Sentry']);
    expect(found).toContainEqual(['handover/service-without-owner', 'AWS']);
    expect(found).not.toContainEqual(['handover/service-without-owner', 'Stripe']);
    expect(report.passed).toContain('deploy/no-rollback-path');
    const summary = report.metrics.handover as { secrets: { key: string; location: string }[] };
    expect(summary.secrets.map((s) => s.key)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'DATABASE_URL', 'LOG_LEVEL', 'STRIPE_SECRET_KEY']);
  });

  it('handover writes the pack from the newest recorded audit, without any credential', async () => {
    const r = await cli(['handover', '--out', 'pack'], { cwd: dir, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gap');
    const pack = join(dir, 'pack');
    expect(readdirSync(pack).sort()).toEqual(['01-product.md', '02-domains.md', '03-email.md', '04-deploy.md', '05-secrets.md', '06-rollback.md', '07-services.md', '08-monitoring.md', '09-risks.md', '10-incident.md', 'README.md', 'handover.html']);
    expect(readFileSync(join(pack, '05-secrets.md'), 'utf8')).toContain('| STRIPE\\_SECRET\\_KEY | production, example | yes | Fly.io secrets |');
    expect(readFileSync(join(pack, '04-deploy.md'), 'utf8')).toContain('.github/workflows/ci.yml');
    expect(readFileSync(join(pack, '07-services.md'), 'utf8')).toContain('[redacted');
    // Everything launchready wrote: the pack and the JSON report of the audit it came from.
    const text = allText(pack) + allText(join(dir, 'out1'));
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(text.includes(value), `${name} leaked`).toBe(false);
      expect(text.includes(value.slice(6)), `${name} leaked in part`).toBe(false);
    }
  });

  it('plan prints the sprint and writes it as files', async () => {
    const r = await cli(['plan'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# Launch plan: Bikes');
    expect(r.stdout).toMatch(/- \[ \] \*\*#\d+ Nobody is named to handle incidents/);
    const w = await cli(['plan', '--out', 'plan-out'], { cwd: dir });
    expect(w.code).toBe(0);
    expect(existsSync(join(dir, 'plan-out', 'launch-plan.md'))).toBe(true);
    expect(readFileSync(join(dir, 'plan-out', 'launch-plan.html'), 'utf8')).toContain('type="checkbox"');
  });

  it('accept defers a finding until a date; it leaves the verdict and comes back when expired', async () => {
    const before = await audit(join(dir, 'out2'));
    expect(before.verdict).toBe('ready-with-risks');
    const a = await cli(['accept', 'handover/no-incident-owner', '--reason', 'founders share on-call until the first hire', '--until', '2099-12-31', '--by', 'Ana'], { cwd: dir });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('1 finding of the newest report');
    const file = JSON.parse(readFileSync(join(dir, '.launchready', 'accepted.json'), 'utf8'));
    expect(file.accepted).toEqual([expect.objectContaining({ rule: 'handover/no-incident-owner', reason: 'founders share on-call until the first hire', by: 'Ana', until: '2099-12-31' })]);
    await cli(['accept', 'handover/service-without-owner@Sentry', '--reason', 'free tier', '--by', 'Ana'], { cwd: dir });
    await cli(['accept', 'handover/service-without-owner@AWS', '--reason', 'owner named on Monday', '--by', 'Ana'], { cwd: dir });

    const after = await audit(join(dir, 'out3'));
    const owner = after.findings.find((f) => f.id === 'handover/no-incident-owner')!;
    expect(owner.deferred).toEqual({ reason: 'founders share on-call until the first hire', by: 'Ana', until: '2099-12-31' });
    expect(after.launchSequence.flatMap((s) => s.findingIds)).not.toContain('handover/no-incident-owner');
    expect(after.score.overall).toBeGreaterThan(before.score.overall);
    const pack = await cli(['handover', '--out', 'pack2', '--quiet'], { cwd: dir });
    expect(pack.code).toBe(0);
    expect(readFileSync(join(dir, 'pack2', '09-risks.md'), 'utf8')).toContain('founders share on-call until the first hire');

    // The acceptance expires: the finding counts again, and the report says which acceptance lapsed.
    file.accepted[0].until = '2001-01-01';
    writeFileSync(join(dir, '.launchready', 'accepted.json'), JSON.stringify(file));
    const expired = await audit(join(dir, 'out4'));
    expect(expired.findings.find((f) => f.id === 'handover/no-incident-owner')!.deferred).toBeUndefined();
    expect(expired.metrics.acceptances).toMatchObject({ expired: [{ rule: 'handover/no-incident-owner', until: '2001-01-01' }] });
    const list = await cli(['accept', '--list'], { cwd: dir });
    expect(list.stdout).toContain('EXPIRED');
    const rm = await cli(['accept', 'handover/no-incident-owner', '--remove'], { cwd: dir });
    expect(rm.code).toBe(0);
  });

  it('refuses bad acceptances with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [['accept', 'handover/no-such-rule', '--reason', 'x'], /unknown rule "handover\/no-such-rule"; rules of that family: handover\//],
      [['accept', 'handover/no-incident-owner'], /--reason is required/],
      [['accept', 'handover/no-incident-owner', '--reason', 'x', '--until', '2001-01-01'], /--until 2001-01-01 is in the past/],
      [['accept', 'handover/no-incident-owner', '--reason', 'x', '--until', 'next week'], /--until must be a date/],
      [['accept', 'handover/service-without-owner@Nope', '--reason', 'x'], /no handover\/service-without-owner finding on "Nope"; its targets: .*Sentry/],
      [['accept', 'deadbeef00', '--reason', 'x'], /no finding with fingerprint deadbeef00/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli(argv, { cwd: dir });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    writeFileSync(join(dir, '.launchready', 'accepted.json'), '{"version":1,"accepted":[{"rule":"x"}]}');
    const broken = await cli(['audit', '--only', 'handover', '--quiet'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('accepted.json');
    rmSync(join(dir, '.launchready', 'accepted.json'));
  });

  it('handover and plan say how to get a report when there is none', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lr-handover-empty-'));
    try {
      for (const cmd of ['handover', 'plan']) {
        const r = await cli([cmd], { cwd: empty });
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/no report to work from: pass --from report.json/);
      }
      const bad = await cli(['plan', '--from', 'nope.json'], { cwd: empty });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('cannot read report nope.json');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
