/** Bounded base64/hex decoding of string literals in bundles: fires on encoded keys, quiet on data. */
import { describe, expect, it } from 'vitest';
import { MAX_ENCODED, decodeCandidate, detectEncoded } from '../../src/secrets/encoded.js';
import { scanBundleText } from '../../src/secrets/sources/bundles.js';
import { fingerprintOf } from '../../src/secrets/detect.js';
import { SampleGen } from '../../src/secrets/util.js';

const g = new SampleGen('encoded-test');
const STRIPE = 'sk_' + 'live_' + g.r('alnum', 32);
const GHP = 'ghp_' + g.r('alnum', 36);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const NOISE = 'function(e,t){return e&&t?e.concat(t):[]}var n=Object.assign;'.repeat(40);

describe('encoded secrets in bundles', () => {
  it('fires: a base64 Stripe live key in a minified bundle, positioned at the literal', () => {
    const text = `${NOISE}\nvar c={k:atob("${b64(STRIPE)}")};${NOISE}`;
    const hits = scanBundleText(text, 'dist/assets/index.js');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ rule: 'stripe-secret-key', encoding: 'base64', line: 2, column: 16, redacted: 'sk_l…' });
    expect(hits[0]!.fingerprint).toBe(fingerprintOf('stripe-secret-key', 'dist/assets/index.js', STRIPE));
    expect(JSON.stringify(hits)).not.toContain(STRIPE.slice(4));
  });

  it('fires: a hex-encoded GitHub token and a base64url-encoded assignment', () => {
    const hex = Buffer.from(`token=${GHP}`).toString('hex');
    const url = Buffer.from(`GITHUB_TOKEN=${GHP}`).toString('base64url');
    expect(detectEncoded(`a='${hex}';b="${url}"`, 'out/x.js').map((h) => [h.rule, h.encoding])).toEqual([
      ['github-personal-access-token', 'hex'],
      ['github-personal-access-token', 'base64'],
    ]);
  });

  it('a key both plain and encoded in one file is reported once (plain)', () => {
    const hits = scanBundleText(`var a="${STRIPE}",b="${b64(STRIPE)}";`, 'dist/a.js');
    expect(hits.map((h) => h.encoding ?? 'plain')).toEqual(['plain']);
  });

  const quiet: [string, string][] = [
    ['random base64 image data (inlined)', `var img="data:image/png;base64,iVBORw0KGgo${g.r('b64', 8000)}";`],
    ['random base64 data under the length cap', `var d="${g.r('b64', 400)}";`],
    ['sha256 / git sha hex strings', `var h="${g.r('hex', 64)}",s='${g.r('hex', 40)}';`],
    ['an integrity hash', `var i="sha512-${g.r('b64', 86)}==";`],
    ['base64 of harmless text', `var t="${b64('hello world, this is just a greeting message')}";`],
    ['an encoded placeholder', `var p="${b64('STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx')}";`],
    ['an encoded key longer than the cap', `var l="${b64(`k=${STRIPE}` + ' '.repeat(MAX_ENCODED))}";`],
  ];
  it.each(quiet)('stays quiet: %s', (_n, text) => {
    expect(scanBundleText(text, 'dist/a.js')).toEqual([]);
  });

  it('decodes only printable text, one level deep', () => {
    expect(decodeCandidate(b64('plain printable text here'))).toEqual({ text: 'plain printable text here', encoding: 'base64' });
    expect(decodeCandidate(g.r('b64', 64))).toBeNull();
    // base64 of base64 of a key: the first level is printable base64 text, never decoded again.
    const twice = b64(b64(`k=${STRIPE}`));
    expect(detectEncoded(`x="${twice}"`, 'dist/a.js')).toEqual([]);
  });
});
