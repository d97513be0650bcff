/** Detector behaviour: positions, redaction, fingerprints, ignore comments, chunking, overlap resolution. */
import { describe, expect, it } from 'vitest';
import { candidateRules, detect, fingerprintOf } from '../../src/secrets/detect.js';
import { SampleGen, isPlaceholder, shannon } from '../../src/secrets/util.js';

const g = new SampleGen('detect-test');
const GHP = 'ghp_' + g.r('alnum', 36);
const CLERK = 'sk_' + 'live_' + g.r('alnum', 42);

describe('detect', () => {
  it('reports 1-based line and column, redaction of 4 chars and a rule+file+secret fingerprint', () => {
    const text = `line one\n  const t = "${GHP}";\n`;
    const [h, ...rest] = detect(text, 'src/a.ts');
    expect(rest).toEqual([]);
    expect(h).toMatchObject({ rule: 'github-personal-access-token', provider: 'GitHub', line: 2, column: 14, redacted: 'ghp_…', length: 40 });
    expect(h!.fingerprint).toBe(fingerprintOf('github-personal-access-token', 'src/a.ts', GHP));
    expect(JSON.stringify(h)).not.toContain(GHP.slice(4));
  });

  it('fingerprints survive line moves and change with the file', () => {
    const a = detect(`x = "${GHP}"`, 'a.ts')[0]!;
    const b = detect(`\n\n\n   x = "${GHP}"`, 'a.ts')[0]!;
    const c = detect(`x = "${GHP}"`, 'b.ts')[0]!;
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(c.secretHash).toBe(a.secretHash);
  });

  const quiet: [string, string][] = [
    ['inline launchready-ignore comment', `const t = "${GHP}"; // launchready-ignore`],
    ['${VAR} placeholder', 'GITHUB_TOKEN=${GITHUB_TOKEN}'],
    ['<your-key> placeholder', 'STRIPE_SECRET_KEY=sk_live_<your-key>'],
    ['xxxx placeholder', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['changeme', 'JWT_SECRET=changeme-changeme-changeme'],
    ['AWS documented example', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['token inside a longer word', `x${GHP}`],
  ];
  it.each(quiet)('stays quiet: %s', (_name, text) => {
    expect(detect(text, 'a.ts')).toEqual([]);
  });

  it('only hits on the ignored line are dropped', () => {
    const text = `a = "${GHP}" # launchready-ignore\nb = "${GHP}"\n`;
    expect(detect(text, 'a.py').map((h) => h.line)).toEqual([2]);
  });

  it('finds a token straddling a chunk boundary exactly once (minified single line)', () => {
    const pad = 'a=1;'.repeat(300);
    const text = pad + `var k="${GHP}";` + pad;
    const hits = detect(text, 'dist/x.js', { chunkSize: 1000 });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ line: 1, column: pad.length + 8 });
  });

  it('prefers a rule that saw the variable name over a bare prefix (Clerk, not Stripe) and drops generic overlaps', () => {
    expect(detect(`CLERK_SECRET_KEY=${CLERK}`, '.env').map((h) => h.rule)).toEqual(['clerk-secret-key']);
    expect(detect(`STRIPE_SECRET=${CLERK}`, '.env').map((h) => h.rule)).toEqual(['stripe-secret-key']);
  });

  it('keyword prefilter selects only rules whose keywords occur', () => {
    expect(candidateRules('nothing to see here').map((r) => r.id)).toEqual([]);
    expect(candidateRules(`x ${GHP}`).map((r) => r.id)).toContain('github-personal-access-token');
  });

  it('handles invalid UTF-8 and huge texts without throwing', () => {
    const text = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` ${GHP} `)]).toString('utf8');
    expect(detect(text, 'a.bin').map((h) => h.rule)).toEqual(['github-personal-access-token']);
    const big = 'x'.repeat(5_000_000) + ' ' + GHP;
    expect(detect(big, 'big.js').map((h) => h.column)).toEqual([5_000_002]);
  });
});

describe('util', () => {
  it.each([['${X}'], ['<your-key>'], ['xxxx1234'], ['changeme'], ['AKIAIOSFODNN7EXAMPLE'], ['aaaaaaaa12']])('placeholder: %s', (v) => {
    expect(isPlaceholder(v)).toBe(true);
  });
  it('entropy orders random above repetitive', () => {
    expect(shannon(g.r('alnum', 40))).toBeGreaterThan(4.5);
    expect(shannon('abababab')).toBe(1);
  });
});
