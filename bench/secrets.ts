/**
 * First secrets benchmark (not a timed test): generate a tree and a repository, scan them with
 * launchready, and, when installed, with ripgrep running our rule regexes and secretlint.
 *
 *   npx tsx bench/secrets.ts [--mb 200] [--commits 10000] [--keep]
 *
 * Prints MB/s, duration and peak RSS. Generation is deterministic (seeded).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RULES } from '../src/secrets/rules.js';
import { scanSecrets } from '../src/secrets/scan.js';
import { SampleGen } from '../src/secrets/util.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const MB = arg('mb', 50);
const COMMITS = arg('commits', 2000);
const keep = process.argv.includes('--keep');
const g = new SampleGen('bench');

/** Realistic-ish source text: identifiers, strings, numbers, the odd URL; a planted secret every ~1 MB. */
function sourceFile(bytes: number, plant: boolean): string {
  const words = ['const', 'return', 'function', 'await', 'import', 'export', 'user', 'listing', 'price', 'message', 'config'];
  // Secret-ish words appear the way code uses them (reading env, passing through), so the keyword
  // prefilter fires and the regexes run, but nothing is a credential.
  const secretish = ['const token = await getToken(user);', 'password: z.string().min(8),', 'const apiKey = process.env.API_KEY;', 'headers.authorization = `Bearer ${token}`;'];
  let s = '';
  while (s.length < bytes) {
    const w = words[g.int(0, words.length - 1)]!;
    s += `  ${w}_${g.r('lower', 6)} = "${g.r('alnum', g.int(4, 24))}"; // ${g.r('lower', 10)} https://example.com/${g.r('lower', 5)}\n`;
    if (g.int(0, 20) === 0) s += `  ${secretish[g.int(0, secretish.length - 1)]}\n`;
  }
  if (plant) s += `const k = "ghp_${g.r('alnum', 36)}";\n`;
  return s;
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lr-bench-'));
  const tree = path.join(root, 'tree');
  const perFile = 256 * 1024;
  const files = Math.ceil((MB * 1024 * 1024) / perFile);
  console.log(`generating ${MB} MB tree (${files} files) and a ${COMMITS}-commit repository in ${root}`);
  for (let i = 0; i < files; i++) {
    const dir = path.join(tree, `pkg${i % 50}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}.ts`), sourceFile(perFile, i % 4 === 0));
  }
  // Minified bundle with one long line.
  mkdirSync(path.join(tree, 'dist'), { recursive: true });
  writeFileSync(path.join(tree, 'dist', 'app.js'), sourceFile(4 * 1024 * 1024, true).replace(/\n/g, ';'));

  let t = Date.now();
  const a = await scanSecrets({ path: tree, history: false });
  let ms = Date.now() - t;
  const bytes = a.worktree.bytes + a.bundles.bytes;
  console.log(`launchready tree: ${(bytes / 1048576).toFixed(0)} MB in ${ms} ms = ${(bytes / 1048576 / (ms / 1000)).toFixed(1)} MB/s, hits ${a.worktree.hits.length + a.bundles.hits.length}, peak RSS ${peakRssMb()} MB`);

  const rg = spawnSync('rg', ['--version']);
  if (rg.status === 0) {
    const pats = path.join(root, 'patterns.txt');
    // ripgrep's Rust regex has no lookaround: strip boundaries; this is the "practical limit" of regex scanning.
    writeFileSync(pats, RULES.map((r) => r.regex.source.replace(/\(\?<?[!=][^)]*\)/g, '')).join('\n'));
    t = Date.now();
    spawnSync('rg', ['-c', '--no-ignore', '-f', pats, tree], { maxBuffer: 1 << 28 });
    ms = Date.now() - t;
    console.log(`ripgrep (our regexes): ${ms} ms = ${(bytes / 1048576 / (ms / 1000)).toFixed(1)} MB/s`);
  } else console.log('ripgrep: not installed (apt-get install ripgrep) — skipped');

  const secretlint = path.join(process.cwd(), 'node_modules', '.bin', 'secretlint');
  if (spawnSync(secretlint, ['--version']).status === 0) {
    writeFileSync(path.join(tree, '.secretlintrc.json'), JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
    t = Date.now();
    spawnSync(secretlint, ['**/*'], { cwd: tree, maxBuffer: 1 << 28 });
    ms = Date.now() - t;
    console.log(`secretlint (recommended preset): ${ms} ms = ${(bytes / 1048576 / (ms / 1000)).toFixed(1)} MB/s`);
  } else console.log('secretlint: not installed — skipped');

  // History: COMMITS commits, each touching one small file, a secret added and removed early on.
  const repo = path.join(root, 'repo');
  mkdirSync(repo);
  const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };
  execFileSync('git', ['init', '-q', '-b', 'main', repo], { env });
  // fast-import builds thousands of commits in one process.
  let stream = '';
  for (let i = 0; i < COMMITS; i++) {
    const content = i === 10 ? `token = "ghp_${g.r('alnum', 36)}"\n` : sourceFile(2048, false);
    stream += `commit refs/heads/main\ncommitter b <b@b> ${1767225600 + i} +0000\ndata 3\nc${i % 10}\n`;
    stream += `M 100644 inline src/file${i % 200}.ts\ndata ${Buffer.byteLength(content)}\n${content}\n`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream, env, maxBuffer: 1 << 28 });
  t = Date.now();
  const h = await scanSecrets({ path: repo, history: true });
  ms = Date.now() - t;
  console.log(`launchready history: ${h.history!.commits} commits, ${h.history!.blobs} blobs, ${(h.history!.bytes / 1048576).toFixed(1)} MB in ${ms} ms, hits ${h.history!.hits.length}, peak RSS ${peakRssMb()} MB`);
  if (!keep) rmSync(root, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
