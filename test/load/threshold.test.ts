import { describe, expect, it } from 'vitest';
import { evaluateThreshold, parseThreshold, scanThreshold, ThresholdError, type ThresholdStats } from '../../src/load/threshold.js';

const stats = (o: Partial<ThresholdStats> & { p?: Record<number, number> } = {}): ThresholdStats => ({
  count: 100, errorRate: 0, min: 5, max: 900, mean: 120, ...o,
  percentile: (q) => o.p?.[q] ?? q * 4,
});

describe('threshold grammar', () => {
  it.each([
    ['p(95)<300', { kind: 'p', percentile: 95 }, '<', 300],
    [' p( 99.9 ) <= 1000 ', { kind: 'p', percentile: 99.9 }, '<=', 1000],
    ['rate<0.01', { kind: 'rate' }, '<', 0.01],
    ['avg<200', { kind: 'avg' }, '<', 200],
    ['med < 150', { kind: 'med' }, '<', 150],
    ['max<=2000', { kind: 'max' }, '<=', 2000],
    ['count>=10', { kind: 'count' }, '>=', 10],
    ['min===3', { kind: 'min' }, '===', 3],
  ])('parses %s', (src, aggregation, op, value) => {
    const t = parseThreshold(src);
    expect(t.aggregation).toEqual(aggregation);
    expect(t.op).toBe(op);
    expect(t.value).toBe(value);
  });

  it('scans the longest operator first', () => {
    expect(scanThreshold('p(95)<=300').op).toBe('<=');
    expect(scanThreshold('avg===3').op).toBe('===');
  });

  it.each([
    ['', /empty/],
    ['p95<300', /unknown aggregation "p95"/],
    ['p(95)', /no comparison operator/],
    ['p(95)<', /missing number/],
    ['<300', /missing aggregation/],
    ['p(95)<300ms', /"300ms" is not a number/],
    ['p(abc)<3', /percentile "abc"/],
    ['p(0)<3', /outside \(0, 100\]/],
    ['p(101)<3', /outside/],
    ['rate<5', /ratio between 0 and 1/],
    ['mean<5', /supported: avg, min, max, med, count, rate, p\(N\)/],
  ])('rejects %j quoting the input', (src, why) => {
    let err: unknown;
    try {
      parseThreshold(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ThresholdError);
    expect((err as Error).message).toContain(`"${src}"`);
    expect((err as Error).message).toMatch(why);
  });
});

describe('threshold evaluation', () => {
  it('shows the observed value inline when it fails', () => {
    const o = evaluateThreshold(parseThreshold('p(95)<300'), stats({ p: { 95: 412 } }));
    expect(o.ok).toBe(false);
    expect(o.text).toBe('p(95) (412ms) < 300');
  });
  it.each([
    ['p(95)<300', stats({ p: { 95: 299 } }), true],
    ['p(95)<300', stats({ p: { 95: 300 } }), false],
    ['rate<0.01', stats({ errorRate: 0.009 }), true],
    ['rate<0.01', stats({ errorRate: 0.05 }), false],
    ['avg<200', stats({ mean: 250 }), false],
    ['med<100', stats({ p: { 50: 90 } }), true],
    ['max<=900', stats(), true],
    ['count>=200', stats(), false],
    ['min!=5', stats(), false],
  ])('%s -> ok=%s', (src, s, ok) => {
    expect(evaluateThreshold(parseThreshold(src), s).ok).toBe(ok);
  });
  it('treats no samples as nothing to judge', () => {
    const o = evaluateThreshold(parseThreshold('p(95)<1'), stats({ count: 0 }));
    expect(o.ok).toBe(true);
    expect(o.observed).toBeNull();
  });
  it('formats rates as percentages', () => {
    expect(evaluateThreshold(parseThreshold('rate<0.01'), stats({ errorRate: 0.25 })).text).toBe('rate (25.00%) < 0.01');
  });
});
