import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecord, selectRecord } from './parse.js';
import { expandTokens, scanMacroString, type MacroContext } from './macro.js';

describe('selectRecord (RFC 7208 4.5)', () => {
  it.each([
    { name: 'joins character-strings without a separator', txt: [['v=spf1 ', '-all']], kind: 'one' },
    { name: 'version must end at a space: v=spf10 is not SPF', txt: [['v=spf10']], kind: 'none' },
    { name: 'case-insensitive version', txt: [['V=SpF1 -all']], kind: 'one' },
    { name: 'several records', txt: [['v=spf1 -all'], ['v=spf1 +all']], kind: 'many' },
    { name: 'unrelated TXT records are ignored', txt: [['google-site-verification=x'], ['v=spf1 mx']], kind: 'one' },
  ])('$name', ({ txt, kind }) => {
    expect(selectRecord(txt).kind).toBe(kind);
  });
});

describe('parseRecord', () => {
  const valid = [
    'v=spf1',
    'v=spf1 -all ',
    'v=spf1  a  mx/24//64 ptr ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com ~all',
    'v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all',
    'v=spf1 a:%{d}.example.com//0 redirect=_spf.example.com',
    'v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all',
    'v=spf1 exp=explain._spf.%{d} -all',
  ];
  it.each(valid)('accepts %s', (r) => {
    const p = parseRecord(r);
    expect(p.ok, JSON.stringify(!p.ok && p.error)).toBe(true);
  });

  const invalid: { record: string; code: string; pos: number }[] = [
    { record: 'v=spf1 -all foo:bar', code: 'unknown-mechanism', pos: 12 },
    { record: 'v=spf1 ip4:1.2.3.4/33', code: 'syntax', pos: 18 },
    { record: 'v=spf1 ip4:1.2.3.4//32', code: 'syntax', pos: 10 },
    { record: 'v=spf1 a/032', code: 'syntax', pos: 8 },
    { record: 'v=spf1 a:museum', code: 'syntax', pos: 9 },
    { record: 'v=spf1 mx:', code: 'syntax', pos: 10 },
    { record: 'v=spf1 include:foo.com/24', code: 'syntax', pos: 19 },
    { record: 'v=spf1 redirect=a.com redirect=b.com', code: 'duplicate-modifier', pos: 22 },
    { record: 'v=spf1 exists:%{x}.example.com', code: 'syntax', pos: 16 },
    { record: 'v=spf1 exists:%{l0}.example.com', code: 'syntax', pos: 17 },
    { record: 'v=spf1 exists:%{c}.example.com', code: 'syntax', pos: 16 },
    { record: 'v=spf1 a:foo%example.com', code: 'syntax', pos: 12 },
    { record: 'v=spf1 a:ctrl.example.com\rptr', code: 'syntax', pos: 25 },
    { record: 'v=spf1 \u0080a -all', code: 'non-ascii', pos: 7 },
    { record: 'v=spf1 =all', code: 'syntax', pos: 7 },
  ];
  it.each(invalid)('rejects $record with code $code at $pos', ({ record, code, pos }) => {
    const p = parseRecord(record);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.error.code).toBe(code);
      expect(p.error.pos).toBe(pos);
    }
  });

  it('parses a 10 kB record term by term without stalling', () => {
    const record = `v=spf1 ${Array.from({ length: 600 }, (_, i) => `ip4:10.${i % 256}.0.0/16`).join(' ')} -all`;
    expect(record.length).toBeGreaterThan(10_000);
    const p = parseRecord(record);
    expect(p.ok && p.record.directives.length).toBe(601);
  });
});

describe('macro expansion (RFC 7208 7.4 examples)', () => {
  const ctx: MacroContext = {
    s: 'strong-bad@email.example.com', l: 'strong-bad', o: 'email.example.com', d: 'email.example.com',
    i: '192.0.2.3', h: 'mx.example.org', c: '192.0.2.3', r: 'unknown', t: '0', v: 'in-addr',
    p: async () => 'unknown',
  };
  it.each([
    ['%{s}', 'strong-bad@email.example.com'],
    ['%{d4}', 'email.example.com'],
    ['%{d2}', 'example.com'],
    ['%{d1}', 'com'],
    ['%{dr}', 'com.example.email'],
    ['%{d2r}', 'example.email'],
    ['%{l-}', 'strong.bad'],
    ['%{lr-}', 'bad.strong'],
    ['%{l1r-}', 'strong'],
    ['%{ir}.%{v}._spf.%{d2}', '3.2.0.192.in-addr._spf.example.com'],
    ['%{S}', 'strong-bad%40email.example.com'],
    ['%%%_%-', '% %20'],
  ])('%s -> %s', async (src, want) => {
    expect(await expandTokens(scanMacroString(src), ctx)).toBe(want);
  });
});

describe('parser fuzzing (fast-check)', () => {
  const alphabet = fc.constantFrom(
    ...'v=spf1 aAmxptr:ip4ip6/.0123456789%{}-+~?_,=allincludeexistsredirectexp\t\u00e9\u0000'.split(''),
  );
  it('never throws and returns errors as data, for SPF-ish and arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: alphabet, maxLength: 200 }), fc.string({ maxLength: 200 })), (tail) => {
        const r = parseRecord(`v=spf1 ${tail}`);
        if (!r.ok) {
          expect(typeof r.error.message).toBe('string');
          expect(r.error.pos).toBeGreaterThanOrEqual(0);
          expect(r.error.pos).toBeLessThanOrEqual(tail.length + 7);
        }
        selectRecord([[tail], ['v=spf1', tail]]);
      }),
      { numRuns: 2000, interruptAfterTimeLimit: 5000 },
    );
  });
});
