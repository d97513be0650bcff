/** Chart helpers: bucketing of store series and the SVG they render (escaping, gaps, empty data). */
import { describe, expect, it } from 'vitest';
import { bucketSeries, renderSparkline, renderUptimeBar, uptimeOf } from '../../src/monitor/charts.js';

const row = (bucket: number, total: number, ok: number, sumMs: number) => ({ checkId: 'x', bucket, total, ok, sumMs, maxMs: sumMs });

describe('charts', () => {
  it('fills every bucket, merges rows of one bucket and ignores rows outside the window', () => {
    const b = bucketSeries([row(0, 2, 2, 100), row(0, 2, 1, 300), row(2, 1, 0, 10), row(7, 1, 1, 1)], 1000, 10, 3);
    expect(b).toEqual([
      { start: 1000, total: 4, ok: 3, avgMs: 100 },
      { start: 1010, total: 0, ok: 0, avgMs: null },
      { start: 1020, total: 1, ok: 0, avgMs: 10 },
    ]);
    expect(uptimeOf(b)).toBe(3 / 5);
    expect(uptimeOf(bucketSeries([], 0, 10, 3))).toBeNull();
  });

  it('renders no-data charts without lines and escapes the check id', () => {
    const empty = bucketSeries([], 0, 10, 5);
    const bar = renderUptimeBar('a"<b>', empty);
    expect(bar).toContain('data-check="a&#34;&#60;b&#62;"');
    expect(bar).toContain('aria-label="no data in the last 24 h"');
    expect(bar.match(/class="seg-none"/g)).toHaveLength(5);
    const spark = renderSparkline('a', empty);
    expect(spark).not.toMatch(/<polyline|<circle/);
    expect(spark).toContain('data-values=",,,,"');
  });

  it('draws a lone bucket between gaps as a dot', () => {
    const spark = renderSparkline('a', bucketSeries([row(1, 1, 1, 40)], 0, 10, 3));
    expect(spark.match(/<circle /g)).toHaveLength(1);
    expect(spark).toContain('data-max-ms="40"');
  });
});
