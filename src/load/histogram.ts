/**
 * HDR histograms (hdr-histogram-js), in microseconds: constant memory whatever the run length
 * (k6 keeps every sample), mergeable across worker threads via compressed base64.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './types.js';

/** 1 µs .. 1 h at 3 significant digits: ~100 KB per histogram. */
export function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function mergeHistograms(encoded: string[]): hdr.Histogram {
  const out = newHistogram();
  for (const s of encoded) {
    if (s) out.add(hdr.decodeFromCompressedBase64(s));
  }
  return out;
}

const ms = (us: number) => Math.round(us) / 1000;

export function summarize(h: hdr.Histogram): LatencySummary {
  if (h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const j = h as unknown as { mean: number; minNonZeroValue: number; maxValue: number };
  return {
    min: ms(j.minNonZeroValue),
    mean: ms(j.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(j.maxValue),
  };
}

/** Bucket upper bounds in ms: a 1-2-3-5 ladder, readable as chart labels. */
export const BUCKET_BOUNDS_MS = [1, 2, 3, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10_000, 30_000, 60_000, 3_600_000];

/** Per-bucket counts (not cumulative), trimmed to the buckets between the first and last sample. */
export function toBuckets(h: hdr.Histogram): { le: number; count: number }[] {
  const counts = new Array<number>(BUCKET_BOUNDS_MS.length).fill(0);
  const j = h as unknown as {
    recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } };
    lowestEquivalentValue(v: number): number;
  };
  const it = j.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    // The iterator reports the top of each HDR bucket; its bottom is the value that was recorded (to 3 digits).
    const valueMs = j.lowestEquivalentValue(v.valueIteratedTo) / 1000;
    let i = BUCKET_BOUNDS_MS.findIndex((b) => valueMs <= b);
    if (i < 0) i = BUCKET_BOUNDS_MS.length - 1;
    counts[i]! += v.countAtValueIteratedTo;
  }
  const first = counts.findIndex((c) => c > 0);
  if (first < 0) return [];
  let last = counts.length - 1;
  while (counts[last] === 0) last--;
  return BUCKET_BOUNDS_MS.slice(first, last + 1).map((le, k) => ({ le, count: counts[first + k]! }));
}
