/** Sources end to end on real temporary git repositories: working tree, history, bundles, staged, baseline, hook. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBaseline } from '../../src/secrets/baseline.js';
import { HOOK_MARKER, installHook } from '../../src/secrets/hook.js';
import { scanSecrets } from '../../src/secrets/scan.js';
import { addedLines } from '../../src/secrets/sources/staged.js';
import { SampleGen } from '../../src/secrets/util.js';
import { TempRepo } from './repo.js';

const g = new SampleGen('scan-test');
const GHP = 'ghp_' + g.r('alnum', 36);
const STRIPE = 'sk_' + 'live_' + g.r('alnum', 32);
const NPM = 'npm_' + g.r('alnum', 36);
const SLACK = `xoxb-${g.r('digits', 12)}-${g.r('digits', 12)}-${g.r('alnum', 24)}`;

const repos: TempRepo[] = [];
const repo = (init = true) => {
  const r = new TempRepo(init);
  repos.push(r);
  return r;
};
afterAll(() => repos.forEach((r) => r.cleanup()));

function noSecretIn(v: unknown, ...secrets: string[]): void {
  const s = JSON.stringify(v);
  for (const x of secrets) expect(s.includes(x.slice(5)), 'artifact leaks a secret').toBe(false);
}

describe('scanSecrets: working tree', () => {
  it('finds tracked and untracked-not-ignored secrets, skips ignored, binary, large and symlinked files', async () => {
    const r = repo();
    r.write('.gitignore', 'ignored.txt\n');
    r.write('src/app.ts', `export const gh = "${GHP}";\n`);
    r.write('ignored.txt', `token=${NPM}\n`);
    r.commit('init');
    r.write('notes.md', `slack ${SLACK}\n`); // untracked, not ignored
    r.write('img.bin', Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(STRIPE)]));
    r.write('big.txt', 'x'.repeat(2048) + STRIPE);
    symlinkSync('/etc/passwd', path.join(r.dir, 'link.txt'));
    const a = await scanSecrets({ path: r.dir, history: false, maxFileBytes: 1024 });
    const hits = a.worktree.hits.map((h) => [h.file, h.rule, h.tracked, h.line]);
    expect(hits).toEqual([
      ['notes.md', 'slack-bot-token', false, 1],
      ['src/app.ts', 'github-personal-access-token', true, 1],
    ]);
    expect(a.worktree.skippedByReason).toMatchObject({ binary: 1, 'too-large': 1 });
    expect(a.worktree.skipped.map((s) => s.path)).toEqual(expect.arrayContaining(['img.bin', 'big.txt']));
    expect(a.history).toBeUndefined();
    noSecretIn(a, GHP, SLACK, NPM, STRIPE);
  });

  it('walks a plain directory (not a git repo) with the default ignore list and no symlink following', async () => {
    const r = repo(false);
    r.write('config.yml', `stripe: ${STRIPE}\n`);
    r.write('node_modules/x/index.js', `const k = "${GHP}";`);
    symlinkSync(r.dir, path.join(r.dir, 'loop')); // a symlink loop must not hang the walk
    const a = await scanSecrets({ path: r.dir, history: true });
    expect(a.isGitRepo).toBe(false);
    expect(a.worktree.hits.map((h) => [h.file, h.rule, h.tracked])).toEqual([['config.yml', 'stripe-secret-key', null]]);
    expect(a.worktree.skippedByReason.symlink).toBe(1);
    expect(a.history).toBeUndefined();
  });

  it('marks test fixtures (severity is lowered later, never hidden)', async () => {
    const r = repo();
    r.write('test/fixtures/creds.json', JSON.stringify({ token: GHP }));
    r.commit('fixture');
    const a = await scanSecrets({ path: r.dir, history: false });
    expect(a.worktree.hits.map((h) => h.fixture)).toEqual([true]);
  });

  it('rejects a path that is not a directory with a clear error', async () => {
    await expect(scanSecrets({ path: '/nonexistent/dir', history: false })).rejects.toThrow(/not a directory/);
  });
});

describe('scanSecrets: history', () => {
  it('finds a secret deleted since, with commit, author and date of the commit that added it; each blob once', async () => {
    const r = repo();
    r.write('README.md', 'hello\n');
    r.commit('one');
    r.write('deploy.sh', `export NPM_TOKEN=${NPM}\n`);
    const added = r.commit('add token');
    r.write('README.md', 'hello again\n');
    r.commit('three');
    r.rm('deploy.sh');
    r.commit('remove token');
    r.git('checkout', '-q', '-b', 'feature');
    r.write('old.env', `STRIPE_KEY=${STRIPE}\n`);
    r.commit('feature branch secret');
    r.git('checkout', '-q', 'main');
    const a = await scanSecrets({ path: r.dir, history: true });
    expect(a.worktree.hits).toEqual([]);
    const h = a.history!;
    expect(h.commits).toBe(5);
    const byRule = Object.fromEntries(h.hits.map((x) => [x.rule, x]));
    expect(byRule['npm-access-token']).toMatchObject({ file: 'deploy.sh', commit: added, author: 'Ada Tester', line: 1 });
    expect(byRule['npm-access-token']!.date).toMatch(/^2026-01-0\dT10:00:00/);
    expect(byRule['stripe-secret-key']).toMatchObject({ file: 'old.env' });
    // README has two versions, deploy.sh one, old.env one => 4 unique blobs, each read once.
    expect(h.blobs).toBe(4);
    noSecretIn(a, NPM, STRIPE);
  });

  it('handles a repository with no commits', async () => {
    const r = repo();
    r.write('a.txt', `k=${GHP}`);
    const a = await scanSecrets({ path: r.dir, history: true });
    expect(a.history).toMatchObject({ commits: 0, blobs: 0, hits: [] });
    expect(a.worktree.hits).toHaveLength(1);
  });

  it('scans a shallow clone and says so', async () => {
    const r = repo();
    r.write('a.txt', `k=${GHP}\n`);
    r.commit('one');
    r.write('b.txt', `k=${SLACK}\n`);
    r.commit('two');
    const clone = repo(false);
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${r.dir}`, clone.dir + '/c'], { stdio: 'ignore' });
    const a = await scanSecrets({ path: clone.dir + '/c', history: true });
    expect(a.shallow).toBe(true);
    expect(a.history!.hits.map((h) => h.rule).sort()).toEqual(['github-personal-access-token', 'slack-bot-token']);
  });
});

describe('scanSecrets: bundles', () => {
  it('reports keys in dist/ and in source maps (sourcesContent) as bundle hits, not working-tree hits', async () => {
    const r = repo();
    r.write('.gitignore', 'dist/\n');
    r.write('src/pay.ts', 'export const key = import.meta.env.VITE_STRIPE;\n');
    r.write('dist/assets/index.js', `!function(){var a={k:"${STRIPE}"};window.a=a}();`);
    r.write('dist/assets/index.js.map', JSON.stringify({ version: 3, sources: ['../src/x.ts'], sourcesContent: [`\nconst t = "${GHP}";`] }));
    r.write('public/sw.js', `const slack = "${SLACK}";`);
    r.commit('init');
    const a = await scanSecrets({ path: r.dir, history: false });
    expect(a.worktree.hits).toEqual([]);
    expect(a.bundles.hits.map((h) => [h.file, h.rule, h.line])).toEqual([
      ['dist/assets/index.js', 'stripe-secret-key', 1],
      ['dist/assets/index.js.map#../src/x.ts', 'github-personal-access-token', 2],
      ['public/sw.js', 'slack-bot-token', 1],
    ]);
  });
});

describe('scanSecrets: staged, baseline, hook', () => {
  it('--staged scans only lines added in the index, with staged line numbers', async () => {
    const r = repo();
    r.write('a.ts', `const old = "${GHP}";\n`);
    r.commit('old secret');
    r.write('a.ts', `const old = "${GHP}";\nconst x = 1;\nconst slack = "${SLACK}";\n`);
    r.git('add', 'a.ts');
    r.write('unstaged.ts', `const s = "${STRIPE}";`);
    const a = await scanSecrets({ path: r.dir, history: false, staged: true });
    expect(a.worktree.hits.map((h) => [h.file, h.rule, h.line])).toEqual([['a.ts', 'slack-bot-token', 3]]);
  });

  it('parses -U0 diffs into added lines', () => {
    const diff = ['diff --git a/x b/x', '--- a/x', '+++ b/x', '@@ -1,0 +2,2 @@', '+one', '+two', '@@ -9 +10 @@', '-gone', '+ten'].join('\n');
    expect(addedLines(diff).get('x')).toEqual([
      { line: 2, text: 'one' },
      { line: 3, text: 'two' },
      { line: 10, text: 'ten' },
    ]);
  });

  it('a baseline hides accepted fingerprints (which survive line moves) and counts them', async () => {
    const r = repo();
    r.write('a.ts', `const gh = "${GHP}";\n`);
    r.commit('one');
    const first = await scanSecrets({ path: r.dir, history: false });
    await writeBaseline(path.join(r.dir, '.launchready/secrets-baseline.json'), first.worktree.hits.map((h) => h.fingerprint));
    r.write('a.ts', `// moved down\n\nconst gh = "${GHP}";\nconst s = "${STRIPE}";\n`);
    const second = await scanSecrets({ path: r.dir, history: false, baseline: '.launchready/secrets-baseline.json' });
    expect(second.baselined).toBe(1);
    expect(second.worktree.hits.map((h) => h.rule)).toEqual(['stripe-secret-key']);
  });

  it('a path allowlist drops hits under matching paths', async () => {
    const r = repo();
    r.write('docs/sample.md', `token ${GHP}`);
    r.write('src/a.ts', `const t = "${GHP}";`);
    const a = await scanSecrets({ path: r.dir, history: false, allowPaths: ['^docs/'] });
    expect(a.worktree.hits.map((h) => h.file)).toEqual(['src/a.ts']);
  });

  it('installs an executable pre-commit hook, updates its own, refuses to clobber a foreign one', async () => {
    const r = repo();
    const first = await installHook(r.dir);
    expect(first.action).toBe('created');
    expect(readFileSync(first.path, 'utf8')).toContain(HOOK_MARKER);
    expect(statSync(first.path).mode & 0o111).not.toBe(0);
    expect((await installHook(r.dir)).action).toBe('updated');
    const other = repo();
    other.write('.git/hooks/pre-commit', '#!/bin/sh\necho mine\n');
    await expect(installHook(other.dir)).rejects.toThrow(/not written by launchready/);
    expect(existsSync(path.join(other.dir, '.git/hooks/pre-commit'))).toBe(true);
  });
});

describe('scanSecrets: worker threads', () => {
  it('gives the same hits on 2 workers as in one thread (working tree and history, each blob once)', async () => {
    const r = repo();
    for (let i = 0; i < 150; i++) r.write(`src/m${i}.ts`, `export const v${i} = ${i};\n`);
    r.write('src/a.ts', `const gh = "${GHP}";\n`);
    r.write('lib/b.py', `SLACK = "${SLACK}"\n`);
    r.write('img.bin', Buffer.concat([Buffer.from([0, 1]), Buffer.from(NPM)]));
    r.commit('one');
    r.write('old.env', `STRIPE=${STRIPE}\n`);
    r.commit('two');
    r.rm('old.env');
    r.commit('three');
    const strip = (a: Awaited<ReturnType<typeof scanSecrets>>) => ({
      tree: a.worktree.hits,
      files: a.worktree.files,
      skipped: a.worktree.skippedByReason,
      history: a.history!.hits,
      blobs: a.history!.blobs,
      bytes: a.history!.bytes,
    });
    const one = await scanSecrets({ path: r.dir, history: true, workers: 0 });
    const two = await scanSecrets({ path: r.dir, history: true, workers: 2 });
    expect(strip(two)).toEqual(strip(one));
    expect(one.worktree.hits.map((h) => h.rule)).toEqual(['slack-bot-token', 'github-personal-access-token']);
    expect(one.history!.hits.map((h) => h.rule)).toContain('stripe-secret-key');
    // 152 source files + img.bin + old.env: 154 unique blobs, each read once across the workers.
    expect(two.history!.blobs).toBe(154);
  });
});

describe('scanSecrets: encoded keys in bundles', () => {
  it('reports a base64 key in dist/ and in a source map source as a bundle hit with its encoding', async () => {
    const r = repo();
    const enc = Buffer.from(STRIPE).toString('base64');
    r.write('dist/assets/app.js', `!function(){var k=atob("${enc}");window.k=k}();`);
    r.write('dist/assets/app.js.map', JSON.stringify({ version: 3, sources: ['../src/k.ts'], sourcesContent: [`export const k = atob('${enc}');\n`] }));
    r.write('src/ok.ts', `export const img = "${Buffer.from(g.r('alnum', 300)).toString('base64')}";\n`);
    const a = await scanSecrets({ path: r.dir, history: false });
    expect(a.worktree.hits).toEqual([]);
    expect(a.bundles.hits.map((h) => [h.file, h.rule, h.encoding, h.line])).toEqual([
      ['dist/assets/app.js', 'stripe-secret-key', 'base64', 1],
      ['dist/assets/app.js.map#../src/k.ts', 'stripe-secret-key', 'base64', 1],
    ]);
    noSecretIn(a, STRIPE);
  });
});
