/**
 * Secrets benchmark (not a timed test; not run in CI): one run, side by side, on the same generated
 * working tree and the same generated git repository:
 *
 *   - launchready (`scanSecrets`, worker threads)
 *   - secretlint 12 with its recommended preset (AWS id rule on), installed on first use into
 *     node_modules/.cache/launchready-bench/ with npm (it is not a project dependency); run last
 *     under a time cap (on 200 MB it takes tens of minutes; a capped run gives bounds)
 *   - ripgrep with our keyword prefilter (`rg -i -F -f keywords`): the lower bound of any scanner
 *     that must at least read every byte and look for the keywords
 *   - ripgrep with our rule regexes (lookarounds stripped): the practical limit of regex scanning
 *   - gitleaks: only when installed (Debian 12 has no package)
 *
 *   npm run bench:secrets -- [--mb 200] [--commits 10000] [--keep] [--no-secretlint] [--secretlint-timeout 900]
 *
 * Every tool runs as its own process under /usr/bin/time (wall time, peak RSS). Recall and precision
 * are computed against the planted secrets: true secrets at known file:line (many providers), and
 * decoys that must stay quiet (AWS's documented example keys, placeholders, test-fixture fillers,
 * UUIDs, lockfile integrity hashes, base64 images). A finding on a line with no planted secret
 * counts against precision. Generation is deterministic (seeded).
 *
 * Also measured: the keyword prefilter as one combined regex vs an Aho-Corasick automaton.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { candidateRules } from '../src/secrets/detect.js';
import { RULES } from '../src/secrets/rules.js';
import { scanSecrets } from '../src/secrets/scan.js';
import { SampleGen } from '../src/secrets/util.js';

const HERE = fileURLToPath(import.meta.url);
const REPO_ROOT = path.resolve(path.dirname(HERE), '..');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

// ---------------------------------------------------------------------------------------------
// Child mode: `tsx bench/secrets.ts --child tree|history DIR` scans and prints hits as JSON lines.

async function child(kind: string, dir: string): Promise<void> {
  const a = await scanSecrets({ path: dir, history: kind === 'history' });
  const out: { files: number; bytes: number; hits: [string, number, string][] } = { files: 0, bytes: 0, hits: [] };
  if (kind === 'history') {
    out.files = a.history?.blobs ?? 0;
    out.bytes = a.history?.bytes ?? 0;
    for (const h of a.history?.hits ?? []) out.hits.push([h.file, h.line, h.rule]);
  } else {
    out.files = a.worktree.files + a.bundles.files;
    out.bytes = a.worktree.bytes + a.bundles.bytes;
    for (const h of [...a.worktree.hits, ...a.bundles.hits]) out.hits.push([h.file.split('#')[0]!, h.line, h.rule]);
  }
  process.stdout.write(JSON.stringify(out));
}

// ---------------------------------------------------------------------------------------------
// Corpus

const g = new SampleGen('bench-secrets');
const pick = <T>(a: readonly T[]): T => a[g.int(0, a.length - 1)]!;
const WORDS = ['user', 'listing', 'price', 'order', 'cart', 'seller', 'buyer', 'review', 'message', 'invoice', 'payout', 'shipping', 'config', 'session', 'search', 'image', 'category', 'report'];
const TYPES = ['User', 'Listing', 'Order', 'Payout', 'Review', 'Invoice', 'Session'];
const id = () => pick(WORDS) + pick(TYPES) + (g.int(0, 3) === 0 ? String(g.int(1, 99)) : '');
const sentence = () => Array.from({ length: g.int(4, 12) }, () => pick(WORDS)).join(' ');

/** Code that handles credentials without holding one: the keyword prefilter fires, nothing may be reported. */
const SECRETISH = [
  'const token = await getToken(user);',
  'const apiKey = process.env.API_KEY;',
  '  password: z.string().min(8).max(128),',
  'headers.authorization = `Bearer ${token}`;',
  "const secretName = 'prod/db/credentials';",
  'if (!session.token) throw new AuthError("missing token");',
  'user.passwordHash = await bcrypt.hash(password, 12);',
  'export const STRIPE_KEY = process.env.STRIPE_SECRET_KEY!;',
];

function pool(n: number, make: () => string): string[] {
  return Array.from({ length: n }, make);
}
const LINES: Record<string, string[]> = {
  ts: pool(3000, () => {
    switch (g.int(0, 9)) {
      case 0: return `import { ${id()}, ${id()} } from '../${pick(WORDS)}/${pick(WORDS)}.js';`;
      case 1: return `export async function ${id()}(${pick(WORDS)}: ${pick(TYPES)}, limit = ${g.int(1, 500)}): Promise<${pick(TYPES)}[]> {`;
      case 2: return `  const ${id()} = await db.${pick(WORDS)}.findMany({ where: { ${pick(WORDS)}Id: ${pick(WORDS)}.id }, take: ${g.int(1, 100)} });`;
      case 3: return `  if (!${id()}) throw new ${pick(TYPES)}Error(\`${sentence()}\`);`;
      case 4: return `  return ${id()}.map((x) => ({ id: x.id, ${pick(WORDS)}: x.${pick(WORDS)} ?? null }));`;
      case 5: return `// ${sentence()}`;
      case 6: return `  logger.info({ ${pick(WORDS)}Id, count: ${g.int(0, 99)} }, '${sentence()}');`;
      case 7: return `  url: 'https://api.${pick(WORDS)}.example.com/v${g.int(1, 3)}/${pick(WORDS)}/${g.r('lower', 8)}',`;
      case 8: return g.int(0, 3) === 0 ? pick(SECRETISH) : '}';
      default: return `  const ${id()} = "${g.r('alnum', g.int(4, 20))}"; // ${sentence()}`;
    }
  }),
  py: pool(1000, () => {
    switch (g.int(0, 5)) {
      case 0: return `from ${pick(WORDS)}.${pick(WORDS)} import ${id()}`;
      case 1: return `def ${pick(WORDS)}_${pick(WORDS)}(${pick(WORDS)}, limit=${g.int(1, 99)}):`;
      case 2: return `    ${pick(WORDS)} = session.query(${pick(TYPES)}).filter_by(${pick(WORDS)}_id=${pick(WORDS)}.id).all()`;
      case 3: return `    # ${sentence()}`;
      case 4: return g.int(0, 4) === 0 ? '    token = os.environ["API_TOKEN"]' : `    return [x.${pick(WORDS)} for x in ${pick(WORDS)}]`;
      default: return `    logger.debug("${sentence()}")`;
    }
  }),
  md: pool(500, () => (g.int(0, 4) === 0 ? `## ${sentence()}` : `${sentence()} ${sentence()}.`)),
  yaml: pool(500, () => `  ${pick(WORDS)}_${pick(WORDS)}: ${g.int(0, 2) === 0 ? g.int(1, 9999) : `"${pick(WORDS)}-${g.r('lower', 6)}"`}`),
  css: pool(500, () => `.${pick(WORDS)}-${pick(WORDS)} { margin: ${g.int(0, 32)}px; color: #${g.r('hex', 6)}; }`),
};
const EXTS: [string, string][] = [['ts', 'ts'], ['ts', 'ts'], ['ts', 'tsx'], ['ts', 'js'], ['py', 'py'], ['md', 'md'], ['yaml', 'yaml'], ['css', 'css']];

function body(kind: string, bytes: number): string[] {
  const pool = LINES[kind]!;
  const out: string[] = [];
  let n = 0;
  while (n < bytes) {
    const l = pool[g.int(0, pool.length - 1)]!;
    out.push(l);
    n += l.length + 1;
  }
  return out;
}

interface Plant {
  file: string;
  line: number;
  kind: string;
  secret: boolean;
}

/** True secrets, in each provider's documented format (fresh random characters every time). */
const TRUE_SECRETS: [string, () => string][] = [
  ['github-pat', () => `const githubToken = "ghp_${g.r('alnum', 36)}";`],
  ['aws-key-id', () => `const awsAccessKeyId = "AKIA${g.r('b32', 16)}";`],
  ['aws-secret', () => `AWS_SECRET_ACCESS_KEY = "${g.r('b64', 40)}"`],
  ['slack-bot', () => `const slack = "xoxb-${g.r('digits', 12)}-${g.r('digits', 13)}-${g.r('alnum', 24)}";`],
  ['slack-webhook', () => `const hook = "https://hooks.slack.com/services/T${g.r('upper', 10)}/B${g.r('upper', 10)}/${g.r('alnum', 24)}";`],
  ['sendgrid', () => `const sg = "SG.${g.r('url', 22)}.${g.r('url', 43)}";`],
  ['npm', () => `//registry.npmjs.org/:_authToken=npm_${g.r('alnum', 36)}`],
  ['openai', () => `const openai = new OpenAI({ apiKey: "sk-proj-${g.r('url', 74)}T3BlbkFJ${g.r('url', 74)}" });`],
  ['anthropic', () => `const anthropicKey = "sk-ant-api03-${g.r('url', 93)}AA";`],
  ['stripe-live', () => `const stripe = new Stripe("sk_${'live'}_${g.r('alnum', 99)}");`],
  ['postgres-url', () => `const DATABASE_URL = "postgres://app:${g.r('alnum', 24)}@db.${g.r('lower', 8)}.internal:5432/app";`],
  ['shopify', () => `const shopifyToken = "shpat_${g.r('hex', 32)}";`],
  ['linear', () => `const linear = "lin_api_${g.r('alnum', 40)}";`],
  ['gitlab', () => `const gitlabToken = "glpat-${g.r('url', 20)}";`],
];

/** Decoys: must stay quiet. */
const DECOYS: [string, () => string][] = [
  ['aws-example-id', () => 'const awsAccessKeyId = "AKIAIOSFODNN7EXAMPLE";'],
  ['aws-example-secret', () => 'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"'],
  ['placeholder-env', () => 'const stripe = new Stripe("${STRIPE_SECRET_KEY}");'],
  ['placeholder-angle', () => 'const githubToken = "<your-github-token>";'],
  ['placeholder-x', () => 'const slack = "xoxb-xxxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx";'],
  ['fixture-filler', () => `const githubToken = "ghp_${'0'.repeat(36)}";`],
  ['uuid', () => `const requestId = "${g.uuid()}";`],
  ['integrity', () => `      "integrity": "sha512-${g.r('b64', 86)}==",`],
  ['base64-image', () => `export const logo = "data:image/png;base64,iVBORw0KGgo${g.r('b64', 2000)}";`],
  ['localhost-db', () => 'const DATABASE_URL = "postgres://postgres:postgres@localhost:5432/app";'],
];

function plantInto(lines: string[], file: string, kind: string, text: string, secret: boolean, plants: Plant[]): void {
  const at = g.int(0, lines.length);
  lines.splice(at, 0, text);
  plants.push({ file, line: at + 1, kind, secret });
}

function genTree(root: string, mb: number): { plants: Plant[]; files: number; bytes: number } {
  const plants: Plant[] = [];
  let bytes = 0;
  let files = 0;
  let ti = 0;
  let di = 0;
  const write = (rel: string, text: string) => {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
    bytes += Buffer.byteLength(text);
    files++;
  };
  const target = mb * 1024 * 1024;
  for (let i = 0; bytes < target; i++) {
    const [kind, ext] = EXTS[i % EXTS.length]!;
    const dir = i % 9 === 0 ? `test/${pick(WORDS)}` : `packages/${pick(WORDS)}/src/${pick(WORDS)}`;
    const rel = `${dir}/${pick(WORDS)}-${i}.${ext}`;
    const lines = body(kind, g.int(2, 30) * 1024);
    if (i % 50 === 7) {
      const [k, make] = TRUE_SECRETS[ti++ % TRUE_SECRETS.length]!;
      plantInto(lines, rel, k, make(), true, plants);
    } else if (i % 50 === 32) {
      const [k, make] = DECOYS[di++ % DECOYS.length]!;
      plantInto(lines, rel, k, make(), false, plants);
    }
    write(rel, lines.join('\n') + '\n');
  }
  // A lockfile full of integrity hashes (one secret-shaped line each).
  const lock: string[] = ['{', '  "packages": {'];
  for (let i = 0; i < 8000; i++) lock.push(`    "node_modules/${pick(WORDS)}-${i}": { "version": "1.${g.int(0, 40)}.${g.int(0, 9)}", "resolved": "https://registry.npmjs.org/x/-/x-1.0.0.tgz", "integrity": "sha512-${g.r('b64', 86)}==" },`);
  lock.push('    "": {}', '  }', '}');
  write('package-lock.json', lock.join('\n') + '\n');
  // .env.example with placeholders only.
  const example = ['DATABASE_URL=postgres://user:${DB_PASSWORD}@localhost:5432/app', 'STRIPE_SECRET_KEY=<your-key>', 'OPENAI_API_KEY=xxxx', 'JWT_SECRET=changeme'];
  write('.env.example', example.join('\n') + '\n');
  for (let l = 0; l < example.length; l++) plants.push({ file: '.env.example', line: l + 1, kind: 'env-example', secret: false });
  // Built bundles: long minified lines; one plain key, one base64-encoded key, one base64 image.
  for (let b = 0; b < 4; b++) {
    const rel = `dist/assets/index-${g.r('hex', 8)}.js`;
    const chunk = body('ts', 2 * 1024 * 1024).join(';');
    const lines = [chunk.slice(0, chunk.length / 2), chunk.slice(chunk.length / 2), `var img="data:image/png;base64,iVBORw0KGgo${g.r('b64', 30000)}";`];
    if (b === 0) plantInto(lines, rel, 'bundle-stripe', `var cfg={stripe:"sk_${'live'}_${g.r('alnum', 32)}"};`, true, plants);
    if (b === 1) plantInto(lines, rel, 'bundle-b64', `var k=atob("${Buffer.from(`sk_${'live'}_${g.r('alnum', 32)}`).toString('base64')}");`, true, plants);
    write(rel, lines.join('\n'));
  }
  return { plants, files, bytes };
}

/** A realistic project history: 300 files, each commit edits one or two; secrets added then removed. */
function genHistory(repo: string, commits: number): Plant[] {
  const plants: Plant[] = [];
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  spawnSync('git', ['init', '-q', '-b', 'main', repo], { env });
  const files = Array.from({ length: 300 }, (_, i) => {
    const [kind, ext] = EXTS[i % EXTS.length]!;
    return { rel: `src/${pick(WORDS)}/${pick(WORDS)}-${i}.${ext}`, kind, lines: body(kind, g.int(2, 12) * 1024) };
  });
  const parts: Buffer[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  let ti = 0;
  let di = 0;
  let pendingDelete: string | null = null;
  for (let c = 0; c < commits; c++) {
    let s = `commit refs/heads/main\nauthor Dev ${c % 7} <dev${c % 7}@example.test> ${1735689600 + c * 600} +0000\ncommitter Dev <dev@example.test> ${1735689600 + c * 600} +0000\n${data(`${pick(WORDS)}: ${sentence()}`)}`;
    if (pendingDelete) {
      s += `D ${pendingDelete}\n`;
      pendingDelete = null;
    }
    const edits = g.int(1, 2);
    for (let e = 0; e < edits; e++) {
      const f = files[g.int(0, files.length - 1)]!;
      for (let k = 0; k < 3; k++) f.lines[g.int(0, f.lines.length - 1)] = pick(LINES[f.kind]!);
      if (g.int(0, 3) === 0) f.lines.push(pick(LINES[f.kind]!));
      s += `M 100644 inline ${f.rel}\n${data(f.lines.join('\n') + '\n')}`;
    }
    // Every 250 commits: a secret committed and deleted in the next commit; every 500 a decoy.
    if (c % 250 === 100 || c % 500 === 300) {
      const secret = c % 250 === 100;
      const [k, make] = secret ? TRUE_SECRETS[ti++ % TRUE_SECRETS.length]! : DECOYS[di++ % DECOYS.length]!;
      const rel = `config/leak-${c}.ts`;
      const lines = body('ts', 3 * 1024);
      plantInto(lines, rel, k, make(), secret, plants);
      s += `M 100644 inline ${rel}\n${data(lines.join('\n') + '\n')}`;
      pendingDelete = rel;
    }
    parts.push(Buffer.from(s + '\n'));
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: Buffer.concat(parts), env, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr.toString()}`);
  spawnSync('git', ['reset', '-q', '--hard', 'main'], { cwd: repo, env });
  return plants;
}

// ---------------------------------------------------------------------------------------------
// Running tools

interface Run {
  tool: string;
  target: string;
  files: number;
  bytes: number;
  wall: number;
  /** User + system CPU seconds. */
  cpu: number;
  rssMb: number;
  /** file:line of each finding (deduplicated); null when the tool reports no locations. */
  found: Set<string> | null;
  note?: string;
}

/** Run under /usr/bin/time: wall seconds and peak RSS (max over the process tree's members). */
function timed(cmd: string, args: string[], opts: { cwd?: string; shell?: boolean } = {}): { stdout: string; wall: number; cpu: number; rssMb: number; status: number | null; stderr: string } {
  const tf = path.join(os.tmpdir(), `lr-bench-time-${process.pid}.txt`);
  const r = opts.shell
    ? spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', '-o', tf, 'bash', '-c', cmd], { cwd: opts.cwd, maxBuffer: 1 << 30 })
    : spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', '-o', tf, cmd, ...args], { cwd: opts.cwd, maxBuffer: 1 << 30 });
  const [wall, rss, user, sys] = readFileSync(tf, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(tf, { force: true });
  return { stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), wall: wall!, cpu: user! + sys!, rssMb: Math.round(rss! / 1024), status: r.status };
}

/**
 * launchready as a user of the published package runs it: compiled JS, not TypeScript through tsx
 * (whose per-thread loader would be measured with every worker). esbuild (tsx's own dependency)
 * bundles this file and the worker entry side by side, as in dist/.
 */
function buildLaunchready(work: string): string {
  const out = path.join(work, 'build');
  const esbuild = path.join(REPO_ROOT, 'node_modules', '.bin', 'esbuild');
  const r = spawnSync(esbuild, [HERE, path.join(REPO_ROOT, 'src', 'secrets', 'worker.ts'), '--bundle', '--platform=node', '--format=esm', '--target=node20', '--entry-names=[name]', `--outdir=${out}`, '--log-level=error', '--banner:js=import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);'], { cwd: REPO_ROOT });
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr.toString()}`);
  writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
  return path.join(out, 'secrets.js');
}

function runLaunchready(kind: 'tree' | 'history', dir: string, entry: string): Run {
  const t = timed(process.execPath, [entry, '--child', kind, dir]);
  if (t.status !== 0) throw new Error(`launchready child failed: ${t.stderr}`);
  const out = JSON.parse(t.stdout) as { files: number; bytes: number; hits: [string, number, string][] };
  return { tool: 'launchready', target: kind, files: out.files, bytes: out.bytes, wall: t.wall, cpu: t.cpu, rssMb: t.rssMb, found: new Set(out.hits.map(([f, l]) => `${f}:${l}`)) };
}

function ensureSecretlint(): string | null {
  const dir = path.join(REPO_ROOT, 'node_modules', '.cache', 'launchready-bench', 'secretlint');
  const bin = path.join(dir, 'node_modules', '.bin', 'secretlint');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
  console.log('installing secretlint 12.0.0 + preset into node_modules/.cache/launchready-bench (once)…');
  const r = spawnSync('npm', ['i', '--no-audit', '--no-fund', '-E', 'secretlint@12.0.0', '@secretlint/secretlint-rule-preset-recommend@12.0.0'], { cwd: dir, stdio: 'inherit' });
  return r.status === 0 && existsSync(bin) ? bin : null;
}

function runSecretlint(bin: string, tree: string, files: number, bytes: number, timeoutS: number): Run {
  const rc = path.join(os.tmpdir(), `lr-bench-secretlintrc-${process.pid}.json`);
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }] }] }));
  // --output: a large JSON report on stdout is cut short when secretlint exits with findings.
  const outFile = path.join(os.tmpdir(), `lr-bench-secretlint-${process.pid}.json`);
  const t = timed('timeout', [String(timeoutS), bin, '--secretlintrc', rc, '--format', 'json', '--output', outFile, '**/*'], { cwd: tree });
  if (t.status === 124) {
    rmSync(rc, { force: true });
    return { tool: 'secretlint', target: 'tree', files, bytes, wall: t.wall, cpu: t.cpu, rssMb: t.rssMb, found: null, note: `did not finish in ${timeoutS} s (--secretlint-timeout): wall/MB/s are bounds` };
  }
  rmSync(rc, { force: true });
  const found = new Set<string>();
  try {
    const res = JSON.parse(readFileSync(outFile, 'utf8')) as { filePath: string; messages: { loc: { start: { line: number } } }[] }[];
    for (const f of res) for (const m of f.messages) found.add(`${path.relative(tree, f.filePath)}:${m.loc.start.line}`);
  } catch {
    return { tool: 'secretlint', target: 'tree', files, bytes, wall: t.wall, cpu: t.cpu, rssMb: t.rssMb, found: null, note: `unparsed output (exit ${t.status}): ${t.stderr.slice(0, 200)}` };
  } finally {
    rmSync(outFile, { force: true });
  }
  return { tool: 'secretlint', target: 'tree', files, bytes, wall: t.wall, cpu: t.cpu, rssMb: t.rssMb, found };
}

/**
 * ripgrep's Rust regex has no lookaround or backreferences: strip them (a superset, still a fair
 * cost). Patterns Rust still rejects are left out and counted.
 */
/** A JS regex source as Rust's regex crate reads it: lookarounds removed, `[` inside classes escaped. */
function stripLookarounds(src: string): string {
  let out = '';
  let inClassOut = false;
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '\\') {
      out += src[i]! + (src[i + 1] ?? '');
      i++;
      continue;
    }
    if (src.startsWith('(?=', i) || src.startsWith('(?!', i) || src.startsWith('(?<=', i) || src.startsWith('(?<!', i)) {
      let depth = 0;
      let inClass = false;
      for (; i < src.length; i++) {
        const ch = src[i];
        if (ch === '\\') i++;
        else if (inClass) inClass = ch !== ']';
        else if (ch === '[') inClass = true;
        else if (ch === '(') depth++;
        else if (ch === ')' && --depth === 0) break;
      }
      continue;
    }
    // Rust reads `[` inside a class as a nested class: escape it.
    if (src[i] === '[') {
      if (inClassOut) out += '\\[';
      else {
        inClassOut = true;
        out += '[';
        if (src[i + 1] === '^') out += src[++i];
        if (src[i + 1] === ']') out += '\\' + src[++i];
      }
      continue;
    }
    if (src[i] === ']' && inClassOut) inClassOut = false;
    out += src[i];
  }
  return out;
}

function rgPatterns(): { text: string; dropped: number } {
  const ok: string[] = [];
  let dropped = 0;
  for (const r of RULES) {
    const p = (r.regex.flags.includes('i') ? '(?i)' : '') + stripLookarounds(r.regex.source).replace(/\\\//g, '/');
    if (spawnSync('rg', ['-q', '-e', p, '/dev/null']).status === 2) dropped++;
    else ok.push(p);
  }
  return { text: ok.join('\n'), dropped };
}

function keywords(): string {
  return [...new Set(RULES.flatMap((r) => r.keywords))].join('\n');
}

function runRg(mode: 'keywords' | 'regexes', target: 'tree' | 'history', dir: string, work: string, files: number, bytes: number): Run {
  const pf = path.join(work, `rg-${mode}.txt`);
  const pats = mode === 'keywords' ? { text: keywords(), dropped: 0 } : rgPatterns();
  writeFileSync(pf, pats.text);
  const dropNote = pats.dropped ? `${pats.dropped} regexes rust rejects left out` : undefined;
  const flags = mode === 'keywords' ? ['-i', '-F'] : ['--regex-size-limit', '2G', '--dfa-size-limit', '2G'];
  const tool = `ripgrep ${mode === 'keywords' ? 'keyword prefilter' : 'rule regexes'}`;
  if (target === 'history') {
    // The lower bound for history: read every object once and search it.
    const cmd = `git -C '${dir}' cat-file --batch-all-objects --batch --unordered | rg -c ${flags.join(' ')} -f '${pf}' || true`;
    const t = timed(cmd, [], { shell: true });
    return { tool, target, files, bytes, wall: t.wall, cpu: t.cpu, rssMb: t.rssMb, found: null, note: [`${t.stdout.trim() || 0} matching lines`, dropNote].filter(Boolean).join('; ') };
  }
  const t = timed('rg', ['-n', '--no-heading', '--no-ignore', '--hidden', '--max-columns', '1', ...flags, '-f', pf, '.'], { cwd: dir });
  const found = new Set<string>();
  for (const line of t.stdout.split('\n')) {
    const m = /^\.\/(.+?):(\d+):/.exec(line);
    if (m) found.add(`${m[1]}:${m[2]}`);
  }
  return { tool, target, files, bytes, wall: t.wall, cpu: t.cpu, rssMb: t.rssMb, found: mode === 'keywords' ? null : found, note: mode === 'keywords' ? `${found.size} candidate lines` : dropNote };
}

function score(run: Run, plants: Plant[]): { recall: string; precision: string; detail: string } {
  if (!run.found) return { recall: '—', precision: '—', detail: run.note ?? '' };
  const truth = plants.filter((p) => p.secret);
  const key = (p: Plant) => `${p.file}:${p.line}`;
  const truthKeys = new Set(truth.map(key));
  const decoyKeys = new Set(plants.filter((p) => !p.secret).map(key));
  const tp = truth.filter((p) => run.found!.has(key(p))).length;
  let decoy = 0;
  let other = 0;
  for (const f of run.found) if (!truthKeys.has(f)) (decoyKeys.has(f) ? decoy++ : other++);
  const fp = decoy + other;
  const missedKinds = [...new Set(truth.filter((p) => !run.found!.has(key(p))).map((p) => p.kind))];
  return {
    recall: `${((tp / Math.max(1, truth.length)) * 100).toFixed(1)}% (${tp}/${truth.length})`,
    precision: `${((tp / Math.max(1, tp + fp)) * 100).toFixed(1)}%`,
    detail: `fp: ${decoy} decoys, ${other} other${missedKinds.length ? `; missed: ${missedKinds.join(',')}` : ''}${run.note ? `; ${run.note}` : ''}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Prefilter: one combined regex vs Aho-Corasick (ASCII case-folded), same keywords, same texts.

class AhoCorasick {
  private goto: Map<number, number>[] = [new Map()];
  private fail: number[] = [0];
  private out: number[][] = [[]];
  constructor(readonly words: string[]) {
    words.forEach((w, wi) => {
      let s = 0;
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        let n = this.goto[s]!.get(c);
        if (n === undefined) {
          n = this.goto.length;
          this.goto.push(new Map());
          this.fail.push(0);
          this.out.push([]);
          this.goto[s]!.set(c, n);
        }
        s = n;
      }
      this.out[s]!.push(wi);
    });
    const queue: number[] = [];
    for (const n of this.goto[0]!.values()) queue.push(n);
    while (queue.length) {
      const s = queue.shift()!;
      for (const [c, n] of this.goto[s]!) {
        queue.push(n);
        let f = this.fail[s]!;
        while (f !== 0 && !this.goto[f]!.has(c)) f = this.fail[f]!;
        const t = this.goto[f]!.get(c);
        this.fail[n] = t !== undefined && t !== n ? t : 0;
        this.out[n]!.push(...this.out[this.fail[n]!]!);
      }
    }
  }
  /** Indices of the words present in `text`. */
  present(text: string): Set<number> {
    const found = new Set<number>();
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32;
      let n = this.goto[s]!.get(c);
      while (n === undefined && s !== 0) {
        s = this.fail[s]!;
        n = this.goto[s]!.get(c);
      }
      s = n ?? 0;
      for (const w of this.out[s]!) found.add(w);
    }
    return found;
  }
}

/** CPU milliseconds of `f` (less sensitive than wall time to other processes on a busy machine). */
function cpuMs(f: () => void): number {
  f(); // warm-up
  const t = process.cpuUsage();
  f();
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000;
}

function prefilterBench(bufs: Buffer[]): string {
  const texts = bufs.map((b) => b.toString('utf8'));
  const kws = [...new Set(RULES.flatMap((r) => r.keywords))];
  const mb = texts.reduce((n, t) => n + t.length, 0) / 1048576;
  const combined = new RegExp([...kws].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  const ac = new AhoCorasick(kws);
  const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(0)} MB/s`;
  const regexMs = cpuMs(() => {
    for (const x of texts) {
      combined.lastIndex = 0;
      for (let m = combined.exec(x); m !== null; m = combined.exec(x)) combined.lastIndex = m.index + 1;
    }
  });
  const acMs = cpuMs(() => texts.forEach((x) => ac.present(x)));
  const triMs = cpuMs(() => texts.forEach((x) => candidateRules(x)));
  const triBytesMs = cpuMs(() => texts.forEach((x, i) => candidateRules(x, RULES, bufs[i])));
  return `prefilter, ${mb.toFixed(0)} MB of source, ${kws.length} keywords, CPU time: combined regex ${rate(regexMs)}, Aho-Corasick (JS) ${rate(acMs)}, trigram table on strings ${rate(triMs)}, trigram table on bytes (used) ${rate(triBytesMs)}`;
}

// ---------------------------------------------------------------------------------------------

function table(runs: Run[], plants: { tree: Plant[]; history: Plant[] }): string {
  const rows = [['tool', 'target', 'files', 'MB', 'wall s', 'CPU s', 'files/s', 'MB/s', 'peak RSS MB', 'wall vs launchready', 'recall', 'precision', 'notes']];
  for (const r of runs) {
    const base = runs.find((x) => x.tool === 'launchready' && x.target === r.target)!;
    const s = score(r, r.target === 'tree' ? plants.tree : plants.history);
    const mb = r.bytes / 1048576;
    rows.push([r.tool, r.target, String(r.files), mb.toFixed(0), r.wall.toFixed(2), r.cpu.toFixed(2), Math.round(r.files / r.wall).toString(), (mb / r.wall).toFixed(1), String(r.rssMb), `${(r.wall / base.wall).toFixed(2)}x`, s.recall, s.precision, s.detail]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r, ri) => '| ' + r.map((c, i) => c.padEnd(w[i]!)).join(' | ') + ' |' + (ri === 0 ? '\n|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|' : '')).join('\n');
}

async function main(): Promise<void> {
  const ci = process.argv.indexOf('--child');
  if (ci > 0) return child(process.argv[ci + 1]!, process.argv[ci + 2]!);
  const MB = arg('mb', 200);
  const COMMITS = arg('commits', 10000);
  const keep = process.argv.includes('--keep');
  const work = mkdtempSync(path.join(os.tmpdir(), 'lr-bench-'));
  const tree = path.join(work, 'tree');
  const repo = path.join(work, 'repo');
  try {
    let t = Date.now();
    const gen = genTree(tree, MB);
    console.log(`tree: ${gen.files} files, ${(gen.bytes / 1048576).toFixed(0)} MB, ${gen.plants.filter((p) => p.secret).length} planted secrets, ${gen.plants.filter((p) => !p.secret).length} decoys (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    t = Date.now();
    const hplants = genHistory(repo, COMMITS);
    console.log(`repo: ${COMMITS} commits via git fast-import, ${hplants.filter((p) => p.secret).length} secrets committed then deleted, ${hplants.filter((p) => !p.secret).length} decoys (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    const runs: Run[] = [];
    const push = (r: Run) => {
      runs.push(r);
      console.log(`  ${r.tool} ${r.target}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${(r.bytes / 1048576 / r.wall).toFixed(1)} MB/s, peak RSS ${r.rssMb} MB`);
    };
    // Warm the page cache once so no tool pays for the first read.
    spawnSync('bash', ['-c', `cat $(find '${tree}' -type f | head -100000) > /dev/null 2>&1; git -C '${repo}' cat-file --batch-all-objects --batch --unordered > /dev/null`], { maxBuffer: 1 << 20 });

    const entry = buildLaunchready(work);
    const lt = runLaunchready('tree', tree, entry);
    push(lt);
    const hasRg = spawnSync('rg', ['--version']).status === 0;
    if (hasRg) {
      push(runRg('keywords', 'tree', tree, work, lt.files, lt.bytes));
      push(runRg('regexes', 'tree', tree, work, lt.files, lt.bytes));
    } else console.log('ripgrep: not installed (flock /tmp/apt.lock apt-get install -y ripgrep) — skipped');
    if (spawnSync('gitleaks', ['version']).status === 0) {
      const gl = timed('gitleaks', ['dir', tree, '--no-banner', '--exit-code', '0', '-r', path.join(work, 'gl.json')]);
      push({ tool: 'gitleaks', target: 'tree', files: lt.files, bytes: lt.bytes, wall: gl.wall, cpu: gl.cpu, rssMb: gl.rssMb, found: null });
    } else console.log('gitleaks: no Debian 12 package and not installed — skipped');
    const lh = runLaunchready('history', repo, entry);
    push(lh);
    if (hasRg) {
      push(runRg('keywords', 'history', repo, work, lh.files, lh.bytes));
      push(runRg('regexes', 'history', repo, work, lh.files, lh.bytes));
    }
    // Last, with a time cap: on large trees it is by far the slowest.
    const sl = process.argv.includes('--no-secretlint') ? null : ensureSecretlint();
    if (sl) push(runSecretlint(sl, tree, lt.files, lt.bytes, arg('secretlint-timeout', 900)));
    else console.log('secretlint: skipped');
    console.log(`\n${table(runs, { tree: gen.plants, history: hplants })}\n`);
    const slRun = runs.find((r) => r.tool === 'secretlint');
    const rgRun = runs.find((r) => r.tool.startsWith('ripgrep keyword') && r.target === 'tree');
    if (slRun) {
      const bound = slRun.note?.startsWith('did not finish') ? '≥ ' : '';
      console.log(`launchready throughput vs secretlint (tree): ${bound}${(slRun.wall / lt.wall).toFixed(2)}x wall, ${bound}${(slRun.cpu / lt.cpu).toFixed(2)}x CPU`);
    }
    if (rgRun) console.log(`launchready time vs ripgrep keyword prefilter (tree): ${(lt.wall / rgRun.wall).toFixed(2)}x wall, ${(lt.cpu / rgRun.cpu).toFixed(2)}x CPU`);

    // In-process prefilter comparison on a sample of the tree's text.
    const sample: Buffer[] = [];
    const list = spawnSync('bash', ['-c', `find '${tree}' -type f -name '*.ts' | head -3000`]).stdout.toString().trim().split('\n');
    for (const f of list) sample.push(readFileSync(f));
    console.log(prefilterBench(sample));
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
