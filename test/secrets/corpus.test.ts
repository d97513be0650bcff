/**
 * The labelled corpus: every rule's generated true positives and look-alikes, placed in source,
 * JSON, YAML, .env and minified-JS contexts. Goal (issue 5): recall 100% and zero false positives.
 * Prints a per-family recall/precision table.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { detect } from '../../src/secrets/detect.js';
import { RULES } from '../../src/secrets/rules.js';
import type { SecretRule } from '../../src/secrets/types.js';
import { SampleGen } from '../../src/secrets/util.js';

type Context = 'source' | 'json' | 'yaml' | 'env' | 'minified';
const CONTEXTS: Context[] = ['source', 'json', 'yaml', 'env', 'minified'];

const NOISE = 'function(e,t){return e&&t?e.concat(t):[]}var n=Object.assign,r=Array.isArray;'.repeat(60);

/** Place `key = value` in a file of the given kind, the way people really write it. */
function place(ctx: Context, key: string, value: string): { file: string; text: string } {
  const multiline = value.includes('\n');
  switch (ctx) {
    case 'source':
      return {
        file: 'src/config.ts',
        text: `import x from './x.js';\n\n// settings\nexport const ${key.replace(/\W/g, '_')} = ${multiline ? '`' + value + '`' : JSON.stringify(value)};\nexport default x;\n`,
      };
    case 'json':
      return { file: 'config/app.json', text: JSON.stringify({ name: 'app', [key]: value, port: 3000 }, null, 2) + '\n' };
    case 'yaml':
      return { file: 'deploy/values.yaml', text: stringify({ app: { replicas: 2, [key]: value } }, { lineWidth: 0 }) };
    case 'env':
      return { file: '.env.production', text: `NODE_ENV=production\n${key}=${multiline ? '"' + value + '"' : value}\nPORT=3000\n` };
    case 'minified':
      return {
        file: 'dist/assets/index-3f9a.js',
        text: `!function(){${NOISE}var c={a:1,${JSON.stringify(key)}:${JSON.stringify(value)},b:"x"};window.__c=c}();${NOISE}`,
      };
  }
}

interface Tally {
  tp: number;
  fn: number;
  fp: number;
}

const table = new Map<string, Tally>();
const tally = (family: string): Tally => {
  let t = table.get(family);
  if (!t) table.set(family, (t = { tp: 0, fn: 0, fp: 0 }));
  return t;
};

const cases: { rule: SecretRule; ctx: Context; value: string; positive: boolean }[] = [];
for (const rule of RULES)
  for (const ctx of CONTEXTS) {
    for (const value of rule.tp) cases.push({ rule, ctx, value, positive: true });
    for (const value of rule.fp) cases.push({ rule, ctx, value, positive: false });
  }

/** Look-alikes shared by all rules: none of these may fire anywhere. */
function sharedNegatives(): { name: string; file: string; text: string }[] {
  const g = new SampleGen('shared-negatives');
  const b64img = g.r('b64', 6000);
  return [
    { name: 'uuids', file: 'src/ids.ts', text: Array.from({ length: 20 }, () => `const id = "${g.uuid()}";`).join('\n') },
    { name: 'sha hashes', file: 'checksums.txt', text: Array.from({ length: 20 }, () => `${g.r('hex', 64)}  file.tar.gz\n${g.r('hex', 40)}`).join('\n') },
    {
      name: 'lockfile integrity',
      file: 'package-lock.json',
      text: JSON.stringify({ packages: { 'node_modules/a': { version: '1.2.3', resolved: 'https://registry.npmjs.org/a/-/a-1.2.3.tgz', integrity: `sha512-${g.r('b64', 86)}==` } } }, null, 2),
    },
    { name: 'base64 image', file: 'src/logo.ts', text: `export const logo = "data:image/png;base64,iVBORw0KGgo${b64img}";` },
    { name: 'git shas in a changelog', file: 'CHANGELOG.md', text: Array.from({ length: 10 }, () => `- fix (${g.r('hex', 40)})`).join('\n') },
    {
      name: 'placeholders in .env.example',
      file: '.env.example',
      text: [
        'DATABASE_URL=postgres://user:${DB_PASSWORD}@localhost:5432/app',
        'STRIPE_SECRET_KEY=<your-key>',
        'OPENAI_API_KEY=xxxx',
        'JWT_SECRET=changeme',
        'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'SESSION_SECRET=',
        'API_TOKEN=${API_TOKEN}',
      ].join('\n'),
    },
    {
      name: 'code that handles credentials',
      file: 'src/auth.ts',
      text: [
        'const password = req.body.password;',
        'const token = await getToken(user);',
        'user.passwordHash = await bcrypt.hash(password, 12);',
        'const apiKey = process.env.API_KEY;',
        'headers.Authorization = `Bearer ${token}`;',
        'if (password.length < 8) throw new Error("password too short");',
        'const secretName = "prod/db/credentials";',
        'password: z.string().min(8),',
      ].join('\n'),
    },
    { name: 'css and versions', file: 'src/app.css', text: '.a{color:#ff00aa;background:url(/img/x.png)} /* v1.2.3-beta.4 */' },
    { name: 'public keys', file: 'src/env.ts', text: `const pk = "pk_${'live'}_${g.r('alnum', 99)}"; const anon = "sb_publishable_${g.r('url', 31)}";` },
  ];
}

describe('secret rules corpus', () => {
  it('has at least 100 detectors with unique ids, keywords, samples and rotation pages', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.tp.length, r.id).toBeGreaterThan(0);
      expect(r.fp.length, r.id).toBeGreaterThan(0);
      expect(r.keywords.every((k) => k === k.toLowerCase()), r.id).toBe(true);
      expect(r.regex.flags, r.id).toContain('g');
    }
  });

  it.each(CONTEXTS)('%s context: recall 100 percent, no false positives', (ctx) => {
    const misses: string[] = [];
    const falsePositives: string[] = [];
    for (const c of cases.filter((x) => x.ctx === ctx)) {
      const { file, text } = place(ctx, c.rule.sampleKey ?? 'data', c.value);
      const hits = detect(text, file);
      const t = tally(c.rule.family);
      if (c.positive) {
        if (hits.some((h) => h.rule === c.rule.id)) t.tp++;
        else {
          t.fn++;
          misses.push(`${c.rule.id}: got [${hits.map((h) => h.rule).join(',')}]`);
        }
        for (const h of hits.filter((h) => h.rule !== c.rule.id)) {
          tally(RULES.find((r) => r.id === h.rule)!.family).fp++;
          falsePositives.push(`${c.rule.id} sample also fired ${h.rule}`);
        }
      } else {
        for (const h of hits) {
          tally(RULES.find((r) => r.id === h.rule)!.family).fp++;
          falsePositives.push(`${c.rule.id} look-alike fired ${h.rule} (${h.redacted})`);
        }
      }
    }
    expect(misses).toEqual([]);
    expect(falsePositives).toEqual([]);
  });

  it.each(sharedNegatives())('shared look-alikes stay quiet: $name', ({ file, text }) => {
    expect(detect(text, file).map((h) => `${h.rule} ${h.redacted}`)).toEqual([]);
  });

  it('prints the per-family recall/precision table', () => {
    const rows = [...table.entries()].sort(([a], [b]) => a.localeCompare(b));
    const lines = ['family        tp   fn   fp  recall  precision'];
    for (const [family, t] of rows) {
      const recall = t.tp / Math.max(1, t.tp + t.fn);
      const precision = t.tp / Math.max(1, t.tp + t.fp);
      lines.push(`${family.padEnd(12)} ${String(t.tp).padStart(4)} ${String(t.fn).padStart(4)} ${String(t.fp).padStart(4)}  ${(recall * 100).toFixed(1).padStart(5)}%  ${(precision * 100).toFixed(1).padStart(8)}%`);
    }
    console.log(lines.join('\n'));
    expect(rows.length).toBeGreaterThan(5);
  });
});
