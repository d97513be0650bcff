import { describe, expect, it } from 'vitest';
import { bisReading, compareReadings, rfc7489Reading, walkNames } from './bis.js';
import { parseDmarc } from './parse.js';

describe('walkNames (DMARCbis DNS tree walk)', () => {
  it('walks every parent up to the TLD', () => {
    expect(walkNames('a.b.Example.com.')).toEqual(['a.b.example.com', 'b.example.com', 'example.com', 'com']);
  });
  it('jumps to 7 labels from a name of 8 or more (bounded query count)', () => {
    const w = walkNames('1.2.3.4.5.6.7.8.9.example.com');
    expect(w[0]).toBe('1.2.3.4.5.6.7.8.9.example.com');
    expect(w[1]).toBe('5.6.7.8.9.example.com');
    expect(w).toHaveLength(8);
  });
});

const step = (domain: string, ...records: string[]) => ({ domain, rcode: records.length ? 'NOERROR' : 'NXDOMAIN', records });

describe('bisReading', () => {
  it('takes the nearest record as policy and the highest as organisational domain', () => {
    const r = bisReading('a.b.example.com', [step('a.b.example.com'), step('b.example.com', 'v=DMARC1; p=none'), step('example.com', 'v=DMARC1; p=reject; sp=quarantine'), step('com')]);
    expect(r).toEqual({ policyDomain: 'b.example.com', orgDomain: 'example.com', policy: 'none', pct: 100, testing: false });
  });
  it('psd=y marks a public suffix: the organisational domain is one label below', () => {
    const r = bisReading('shop.brand.example', [step('shop.brand.example'), step('brand.example'), step('example', 'v=DMARC1; p=reject; psd=y')]);
    expect(r.orgDomain).toBe('brand.example');
    expect(r.policy).toBe('reject');
  });
  it('psd=n stops the walk at that domain', () => {
    const r = bisReading('x.corp.example', [step('x.corp.example'), step('corp.example', 'v=DMARC1; p=quarantine; psd=n'), step('example', 'v=DMARC1; p=reject')]);
    expect(r.orgDomain).toBe('corp.example');
  });
  it('discards several records at one name and walks on', () => {
    const r = bisReading('a.example', [step('a.example', 'v=DMARC1; p=none', 'v=DMARC1; p=reject'), step('example', 'v=DMARC1; p=reject')]);
    expect(r.policyDomain).toBe('example');
  });
  it('t=y is testing; pct is ignored', () => {
    const r = bisReading('example.com', [step('example.com', 'v=DMARC1; p=reject; pct=10; t=y'), step('com')]);
    expect(r).toMatchObject({ policy: 'reject', pct: 100, testing: true });
  });
  it('compareReadings names each aspect that differs', () => {
    const rec = parseDmarc('v=DMARC1; p=reject; pct=10; t=y');
    const a = rfc7489Reading('example.com', 'example.com', 'example.com', rec.ok ? rec.record : undefined);
    const b = bisReading('example.com', [step('example.com', 'v=DMARC1; p=reject; pct=10; t=y')]);
    expect(compareReadings(a, b)).toEqual(['pct', 'testing']);
    expect(compareReadings(a, a)).toEqual([]);
  });
});
