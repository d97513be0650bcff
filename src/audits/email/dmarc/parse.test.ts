import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDmarc } from './parse.js';

describe('parseDmarc (RFC 7489 6.4)', () => {
  it.each([
    ['v=DMARC1; p=reject', { p: 'reject', pct: 100, adkim: 'r' }],
    ['v=DMARC1;p=quarantine;pct=25;adkim=s;aspf=s;sp=none', { p: 'quarantine', pct: 25, adkim: 's', sp: 'none' }],
    ['  v = DMARC1 ;  P=None ; rua=mailto:a@x.example!10m, mailto:b@y.example ; ', { p: 'none' }],
    ['v=DMARC1; p=reject; fo=1:d; future=yes', { p: 'reject', fo: '1:d', unknownTags: ['future'] }],
    ['v=DMARC1; p=reject; np=quarantine; psd=N; t=y', { np: 'quarantine', psd: 'n', t: 'y', unknownTags: [] }],
  ])('accepts %s', (text, want) => {
    const r = parseDmarc(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.record).toMatchObject(want);
  });
  it('extracts rua addresses and domains', () => {
    const r = parseDmarc('v=DMARC1; p=none; rua=mailto:A@Reports.Example!10m');
    expect(r.ok && r.record.rua).toEqual([{ uri: 'mailto:A@Reports.Example', address: 'a@reports.example', domain: 'reports.example' }]);
  });
  it.each([
    ['p=reject; v=DMARC1', 0],
    ['v=dmarc1; p=reject', 0],
    ['v=DMARC1; p=block', 12],
    ['v=DMARC1; p=reject; pct=101', 24],
    ['v=DMARC1; p=reject; p=none', 20],
    ['v=DMARC1; rua=mailto:a@b.example', 10],
    ['v=DMARC1; p=reject; rua=a@b.example', 24],
    ['v=DMARC1; p reject', 10],
    ['v=DMARC1; p=reject; np=drop', 23],
    ['v=DMARC1; p=reject; psd=maybe', 24],
    ['v=DMARC1; p=reject; t=true', 22],
    ['v=DMARC1; p=\u201creject\u201d', 12],
    ['v=DMARC1; p=reject;\u0000', 19],
  ])('rejects %s at position %i', (text, pos) => {
    const r = parseDmarc(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.pos).toBe(pos);
  });
  it('fuzz: never throws, errors are data', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = parseDmarc(`v=DMARC1; ${s}`);
        if (!r.ok) expect(r.error.pos).toBeGreaterThanOrEqual(0);
        parseDmarc(s);
      }),
      { numRuns: 2000, interruptAfterTimeLimit: 5000 },
    );
  });
  it('fuzz: DMARC-shaped input (tags, separators, case, whitespace): errors point inside the record', () => {
    const tag = fc.tuple(
      fc.constantFrom('p', 'sp', 'np', 'pct', 'adkim', 'aspf', 'rua', 'ruf', 'fo', 'rf', 'ri', 'psd', 't', 'x', 'P', ''),
      fc.constantFrom('=', ' = ', '', '=='),
      fc.constantFrom('none', 'reject', 'quarantine', 'r', 's', '100', '-1', 'mailto:a@b.example', 'mailto:a@b.example!10m,https://x', 'y', '1:d', '', '\u00e9', ';'),
    ).map(([n, e, v]) => `${n}${e}${v}`);
    fc.assert(
      fc.property(fc.array(tag, { maxLength: 20 }), fc.constantFrom(';', ' ; ', ';;', '\t;'), (tags, sep) => {
        const text = `v=DMARC1${sep}${tags.join(sep)}`;
        const r = parseDmarc(text);
        if (!r.ok) {
          expect(r.error.pos).toBeGreaterThanOrEqual(0);
          expect(r.error.pos).toBeLessThanOrEqual(text.length);
        } else {
          expect(['none', 'quarantine', 'reject']).toContain(r.record.p);
          expect(r.record.pct).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 2000, interruptAfterTimeLimit: 5000 },
    );
  });
  it('a 10 kB record with thousands of tags parses in linear time', () => {
    const text = `v=DMARC1; p=reject; ${Array.from({ length: 1200 }, (_, i) => `x${i}=yes`).join('; ')}`;
    expect(text.length).toBeGreaterThan(10_000);
    const t0 = performance.now();
    const r = parseDmarc(text);
    expect(r.ok && r.record.unknownTags).toHaveLength(1200);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
