/**
 * The stage-1 commands from arguments alone, on a real temporary git repository:
 * `secrets` (tree, --history, --update-baseline, --staged), `env`, `env diff`, `logs`.
 * Secrets are generated at run time in the provider's documented shape.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types.js';
import { cli } from '../helpers/cli.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rand = (n: number) => [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join('');
const stripeKey = `${'sk_' + 'live_'}${rand(24)}`;
let dir: string;
const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: dir,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.test', GIT_CONFIG_GLOBAL: '/dev/null' },
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lr-stage1-'));
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'pay.js'), `const stripe = require('stripe')('${stripeKey}');\n`);
  git('add', '-A');
  git('commit', '-q', '-m', 'pay');
  writeFileSync(join(dir, 'pay.js'), 'const stripe = require("stripe")(process.env.STRIPE_KEY);\n');
  git('commit', '-q', '-am', 'env');
  writeFileSync(join(dir, '.env.a'), 'A=1\nSHARED=x\n');
  writeFileSync(join(dir, '.env.b'), 'SHARED=y\nB=2\n');
  writeFileSync(join(dir, 'app.log'), `{"msg":"login","email":"jane@example.com","card":"4111 1111 1111 1111"}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stage-1 commands', () => {
  it('secrets: clean tree without --history, the deleted key with it, never the value', async () => {
    const tree = await cli(['secrets', '.', '--format', 'json'], { cwd: dir });
    expect((JSON.parse(tree.stdout) as Report).findings.filter((f) => f.id.startsWith('secrets/'))).toEqual([]);
    const hist = await cli(['secrets', '.', '--history', '--format', 'json'], { cwd: dir });
    expect(hist.code).toBe(1);
    expect(hist.stdout).not.toContain(stripeKey);
    const r = JSON.parse(hist.stdout) as Report;
    expect(r.findings).toContainEqual(expect.objectContaining({ id: 'secrets/history-secret', target: 'pay.js' }));
    const text = await cli(['secrets', '.', '--history'], { cwd: dir });
    expect(text.stdout).not.toContain(stripeKey);
  });

  it('secrets --update-baseline accepts current findings; the next scan is clean', async () => {
    expect((await cli(['secrets', '.', '--history', '--update-baseline'], { cwd: dir })).code).toBe(0);
    const again = await cli(['secrets', '.', '--history', '--baseline-file', '.launchready/secrets-baseline.json', '--format', 'json'], { cwd: dir });
    expect(again.code).toBe(0);
  });

  it('secrets --staged sees a key only once it is staged', async () => {
    writeFileSync(join(dir, 'new.js'), `const k = '${stripeKey}';\n`);
    expect((await cli(['secrets', '.', '--staged', '-q'], { cwd: dir })).code).toBe(0);
    git('add', 'new.js');
    const staged = await cli(['secrets', '.', '--staged', '--format', 'json'], { cwd: dir });
    expect(staged.code).toBe(1);
    expect(staged.stdout).not.toContain(stripeKey);
    git('rm', '-q', '--cached', 'new.js');
    rmSync(join(dir, 'new.js'));
  });

  it('env diff prints keys by file, masked, and exits 1 on drift', async () => {
    const r = await cli(['env', 'diff', '.env.a', '.env.b'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/A\s+.*only-a/);
    expect(r.stdout).toMatch(/B\s+.*only-b/);
  });

  it('logs finds personal data and never prints it whole', async () => {
    const r = await cli(['logs', 'app.log', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => f.id)).toContain('logs/pii-in-logs');
    expect(r.stdout).not.toContain('4111 1111 1111 1111');
    expect(r.stdout).not.toContain('jane@example.com');
  });
});
