/** Env files and logs sources on real files: dotenv parsing, git tracking, diff table, gzip rotations. */
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { diffEnv, envNameOf, readEnvFiles } from '../../src/secrets/env.js';
import { scanLogs } from '../../src/secrets/logs.js';
import { SampleGen } from '../../src/secrets/util.js';
import { TempRepo } from './repo.js';

const g = new SampleGen('env-logs-test');
const STRIPE = 'sk_' + 'live_' + g.r('alnum', 32);
const GHP = 'ghp_' + g.r('alnum', 36);
const repos: TempRepo[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

describe('env files', () => {
  it.each([
    ['.env', 'default'],
    ['.env.production', 'production'],
    ['.env.production.local', 'production'],
    ['.env.prod', 'production'],
    ['.env.staging', 'staging'],
    ['.env.example', 'example'],
    ['.env.local', 'local'],
  ])('names %s as %s', (f, env) => expect(envNameOf(f)).toBe(env));

  it('discovers, parses with dotenv (quotes, export, multi-line) and marks tracked files; never stores values', async () => {
    const r = new TempRepo();
    repos.push(r);
    r.write('.env.example', 'DATABASE_URL=\nSTRIPE_SECRET_KEY=\n');
    r.write('.env.production', `export DATABASE_URL="postgres://app:${g.r('alnum', 16)}@db.internal:5432/app"\nSTRIPE_SECRET_KEY='${STRIPE}'\nCERT="line1\nline2"\n# comment\nEMPTY=\n`);
    r.commit('env');
    r.write('.env.staging', 'DATABASE_URL=postgres://localhost/app\n');
    const a = await readEnvFiles({ dir: r.dir, required: ['SENTRY_DSN'] });
    const prod = a.files.find((f) => f.path === '.env.production')!;
    expect(prod.tracked).toBe(true);
    expect(a.files.find((f) => f.path === '.env.staging')!.tracked).toBe(false);
    expect(prod.entries.map((e) => [e.key, e.line, e.empty])).toEqual([
      ['DATABASE_URL', 1, false],
      ['STRIPE_SECRET_KEY', 2, false],
      ['CERT', 3, false],
      ['EMPTY', 6, true],
    ]);
    const stripe = prod.entries.find((e) => e.key === 'STRIPE_SECRET_KEY')!;
    expect(stripe).toMatchObject({ secretRule: 'stripe-secret-key', looksSecret: true, masked: 'sk_l…' });
    expect(prod.entries[0]).toMatchObject({ secretRule: 'postgres-url-password', host: 'db.internal', localhost: false });
    expect(JSON.stringify(a)).not.toContain(STRIPE.slice(5));
    expect(a.required).toEqual(['SENTRY_DSN']);
  });

  it('diffEnv gives a table of keys by file with masked secrets', async () => {
    const r = new TempRepo(false);
    repos.push(r);
    r.write('a.env', `STRIPE_SECRET_KEY=${STRIPE}\nLOG_LEVEL=info\nONLY_A=1\nSAME=x\n`);
    r.write('b.env', `STRIPE_SECRET_KEY=${'sk_' + 'live_' + g.r('alnum', 32)}\nLOG_LEVEL=debug\nONLY_B=\nSAME=x\n`);
    const t = await diffEnv(path.join(r.dir, 'a.env'), path.join(r.dir, 'b.env'));
    expect(t.rows).toEqual([
      { key: 'LOG_LEVEL', a: 'info', b: 'debug', status: 'different', secret: false },
      { key: 'ONLY_A', a: '1', b: null, status: 'only-a', secret: false },
      { key: 'ONLY_B', a: null, b: '', status: 'only-b', secret: false },
      { key: 'SAME', a: 'x', b: 'x', status: 'same', secret: false },
      { key: 'STRIPE_SECRET_KEY', a: 'sk_l…', b: 'sk_l…', status: 'different', secret: true },
    ]);
    await expect(diffEnv(path.join(r.dir, 'nope.env'), path.join(r.dir, 'b.env'))).rejects.toThrow(/cannot read .*nope\.env/);
  });
});

describe('logs source', () => {
  it('reads plain, JSON-lines and gzip rotations; skips symlinks, binaries and oversized inflation', async () => {
    const r = new TempRepo(false);
    repos.push(r);
    r.write('logs/app.log', `INFO start\nWARN token=${GHP}\n`);
    r.write('logs/app.jsonl', JSON.stringify({ msg: 'signup', email: 'jane@example.org' }) + '\n');
    r.write('logs/app.log.1.gz', gzipSync(Buffer.from('charge 4242 4242 4242 4242\n')));
    r.write('logs/huge.log.2.gz', gzipSync(Buffer.alloc(3 * 1024 * 1024, 'a')));
    r.write('logs/core.log', Buffer.from([0, 1, 2, 3]));
    r.write('logs/readme.md', 'not a log');
    symlinkSync('/etc/hostname', path.join(r.dir, 'logs/link.log'));
    const a = await scanLogs(['logs'], r.dir, 1024 * 1024);
    const by = Object.fromEntries(a.files.map((f) => [f.path, f]));
    expect(Object.keys(by).sort()).toEqual(['logs/app.jsonl', 'logs/app.log', 'logs/app.log.1.gz']);
    expect(by['logs/app.log']!.secretHits.map((h) => h.rule)).toEqual(['github-personal-access-token']);
    expect(by['logs/app.jsonl']!.pii.email).toBe(1);
    expect(by['logs/app.log.1.gz']).toMatchObject({ gzip: true, pii: { card: 1 } });
    expect(a.skipped.map((s) => [s.path, s.reason]).sort()).toEqual([
      ['logs/core.log', 'binary'],
      ['logs/huge.log.2.gz', 'too-large'],
      ['logs/link.log', 'symlink'],
    ]);
    expect(JSON.stringify(a)).not.toContain(GHP.slice(4));
  });
});
