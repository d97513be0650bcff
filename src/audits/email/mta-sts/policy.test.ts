import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mxMatches, parseBimi, parseStsPolicy, parseStsTxt, parseTlsRpt } from './policy.js';

describe('parseStsTxt (RFC 8461 3.1)', () => {
  it.each([
    ['v=STSv1; id=20260101', '20260101'],
    ['v=STSv1;id=abc123;', 'abc123'],
    ['v=STSv1;  id=X1 ; ext=yes', 'X1'],
  ])('accepts %s', (t, id) => expect(parseStsTxt(t)).toEqual({ ok: true, id }));
  it.each([
    ['v=STSv2; id=1', 0, 'must start'],
    ['v=STSv1', 7, '"id" is missing'],
    ['v=STSv1; id=2026-01-01', 12, 'letters or digits'],
    ['v=STSv1; id=1; id=2', 15, 'twice'],
    [`v=STSv1; id=${'a'.repeat(33)}`, 12, '1 to 32'],
    ['v=STSv1; id=1; junk', 15, 'without "="'],
    ['v=STSv1; id=\u00e91', 12, 'non-ASCII'],
  ])('rejects %s at %i', (t, pos, msg) => {
    const r = parseStsTxt(t);
    expect(r.ok).toBe(false);
    if (!r.ok) { expect(r.error.pos).toBe(pos); expect(r.error.message).toContain(msg); }
  });
});

describe('parseStsPolicy (RFC 8461 3.2)', () => {
  it('reads every field, CRLF or LF, repeated mx, extensions ignored', () => {
    const p = parseStsPolicy('version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\nmx: *.Backup.Example.com.\nmax_age: 604800\nfuture: x\n');
    expect(p).toEqual({ version: 'STSv1', mode: 'enforce', maxAge: 604800, mx: ['mx1.example.com', '*.backup.example.com'], errors: [] });
  });
  it('mode none needs no mx', () => expect(parseStsPolicy('version: STSv1\nmode: none\nmax_age: 86400\n').errors).toEqual([]));
  it('keeps the first of a repeated field (3.2)', () => expect(parseStsPolicy('version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 1\n').mode).toBe('testing'));
  it.each([
    ['version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1', 1, 'version: STSv2'],
    ['version: STSv1\nmode: block\nmx: a.example\nmax_age: 1', 2, 'mode: block'],
    ['version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1', 3, 'mx: a..example'],
    ['version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999999', 4, 'max_age'],
    ['version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n<html>', 5, 'is not "key: value"'],
    ['version: STSv1\nmode: enforce\nmax_age: 1', 3, 'no "mx" field'],
    ['mode: enforce\nmx: a.example\nmax_age: 1', 3, '"version" is missing'],
    ['version: STSv1\nmode: enforce\nmx: caf\u00e9.example\nmax_age: 1', 3, 'non-ASCII'],
  ])('reports %j at line %i', (text, line, msg) => {
    const p = parseStsPolicy(text);
    expect(p.errors[0]).toMatchObject({ line });
    expect(p.errors[0]!.message).toContain(msg);
  });
  it('fuzz: never throws, every error has a line within the text', () => {
    const line = fc.oneof(
      fc.constantFrom('version: STSv1', 'mode: enforce', 'mode: testing', 'mx: mx.example.com', 'mx: *.example.com', 'max_age: 86400', ''),
      fc.string({ maxLength: 80 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), (lines, nl) => {
        const text = lines.join(nl);
        const p = parseStsPolicy(text);
        for (const e of p.errors) expect(e.line).toBeGreaterThanOrEqual(1);
        for (const e of p.errors) expect(e.line).toBeLessThanOrEqual(Math.max(1, text.split(/\r?\n/).length));
        parseStsTxt(lines.join(';'));
        parseTlsRpt(lines.join(';'));
      }),
      { numRuns: 1000, interruptAfterTimeLimit: 4000 },
    );
  });
});

describe('mxMatches (RFC 8461 4.1)', () => {
  it.each([
    ['mx.example.com', 'MX.example.com.', true],
    ['*.example.com', 'mx1.example.com', true],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'example.com', false],
    ['mx.example.com', 'mx.example.org', false],
  ])('%s vs %s -> %s', (p, h, want) => expect(mxMatches(p, h)).toBe(want));
});

describe('parseTlsRpt (RFC 8460 3) and BIMI presence', () => {
  it('accepts mailto and https destinations', () => {
    expect(parseTlsRpt('v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.net/v1')).toEqual({ ok: true, rua: ['mailto:tls@example.com', 'https://r.example.net/v1'] });
  });
  it.each([
    ['v=TLSRPTv1', 10, 'rua'],
    ['v=TLSRPTv1; rua=tls@example.com', 16, 'not a mailto'],
    ['v=TLSRPTv1; rua=mailto:a@example.com,http://x', 37, 'not a mailto'],
    ['v=TLSRPTv1; rua=mailto:a@example.com,  ftp://x', 39, 'not a mailto'],
  ])('rejects %s at %i', (t, pos, msg) => {
    const r = parseTlsRpt(t);
    expect(r.ok).toBe(false);
    if (!r.ok) { expect(r.error.pos).toBe(pos); expect(r.error.message).toContain(msg); }
  });
  it('reads the BIMI logo URL', () => {
    expect(parseBimi('v=BIMI1; l=https://example.com/logo.svg; a=')).toEqual({ ok: true, logo: 'https://example.com/logo.svg' });
    expect(parseBimi('v=spf1 -all').ok).toBe(false);
  });
});
