/**
 * Dashboard charts as inline SVG strings (no script, no client build, allowed by the dashboard's
 * CSP): an uptime bar and a response-time sparkline per check, both over the same buckets.
 * Pure functions over store series (STYLE.md 10): `bucketSeries` shapes rows, the renderers draw.
 * Every element carries data-* attributes with the numbers it shows, so tests (and curious users)
 * read the values rather than pixels.
 */
import type { SeriesRow } from './store.js';

/** The uptime bar covers the last 24 h in 90 buckets (16 min each), like status pages users know. */
export const CHART_WINDOW_MS = 24 * 3_600_000;
export const CHART_BUCKETS = 90;
export const CHART_BUCKET_MS = CHART_WINDOW_MS / CHART_BUCKETS;

/** One bucket of one check; `total` 0 means no runs (gap). */
export interface ChartBucket {
  /** Bucket start, ms since epoch. */
  start: number;
  total: number;
  ok: number;
  /** Mean response time of the bucket's runs, ms; null without runs. */
  avgMs: number | null;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Rows of one check -> exactly `buckets` buckets from `since`, gaps filled with empty buckets. */
export function bucketSeries(rows: SeriesRow[], since: number, bucketMs = CHART_BUCKET_MS, buckets = CHART_BUCKETS): ChartBucket[] {
  const out: ChartBucket[] = Array.from({ length: buckets }, (_, i) => ({ start: since + i * bucketMs, total: 0, ok: 0, avgMs: null }));
  for (const r of rows) {
    const b = out[r.bucket];
    if (!b) continue;
    b.total += r.total;
    b.ok += r.ok;
    b.avgMs = b.total > 0 ? Math.round(((b.avgMs ?? 0) * (b.total - r.total) + r.sumMs) / b.total) : null;
  }
  return out;
}

/** Share of successful runs over the buckets, or null without runs. */
export function uptimeOf(buckets: ChartBucket[]): number | null {
  const total = buckets.reduce((n, b) => n + b.total, 0);
  return total === 0 ? null : buckets.reduce((n, b) => n + b.ok, 0) / total;
}

function segClass(b: ChartBucket): string {
  if (b.total === 0) return 'seg-none';
  if (b.ok === b.total) return 'seg-ok';
  return b.ok === 0 ? 'seg-down' : 'seg-partial';
}
const SEG_FILL: Record<string, string> = { 'seg-none': '#ddd', 'seg-ok': '#188038', 'seg-partial': '#e8710a', 'seg-down': '#d93025' };

/** 90 rects, one per bucket: green all up, orange some failures, red all down, grey no data. */
export function renderUptimeBar(checkId: string, buckets: ChartBucket[]): string {
  const w = 3;
  const gap = 1;
  const width = buckets.length * (w + gap);
  const up = uptimeOf(buckets);
  const label = up === null ? 'no data in the last 24 h' : `${(up * 100).toFixed(2)}% up in the last 24 h`;
  const rects = buckets
    .map((b, i) => {
      const cls = segClass(b);
      const title = `${new Date(b.start).toISOString().slice(0, 16)}Z: ${b.total === 0 ? 'no runs' : `${b.ok}/${b.total} up`}`;
      return `<rect class="${cls}" x="${i * (w + gap)}" y="0" width="${w}" height="16" fill="${SEG_FILL[cls]}" data-start="${b.start}" data-total="${b.total}" data-ok="${b.ok}"><title>${esc(title)}</title></rect>`;
    })
    .join('');
  return `<svg class="uptime" data-check="${esc(checkId)}" data-uptime="${up === null ? '' : up.toFixed(4)}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="16" viewBox="0 0 ${width} 16" role="img" aria-label="${esc(label)}">${rects}</svg>`;
}

/**
 * Mean response time per bucket as a polyline, scaled to the window's maximum; buckets without
 * runs break the line (one polyline per run of consecutive buckets with data).
 */
export function renderSparkline(checkId: string, buckets: ChartBucket[]): string {
  const width = buckets.length * 2;
  const height = 24;
  const vals = buckets.map((b) => b.avgMs);
  const max = Math.max(1, ...vals.filter((v): v is number => v !== null));
  const segments: string[][] = [];
  let cur: string[] | null = null;
  vals.forEach((v, i) => {
    if (v === null) {
      cur = null;
      return;
    }
    if (!cur) segments.push((cur = []));
    cur.push(`${i * 2 + 1},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  });
  const lines = segments.map((pts) => (pts.length === 1 ? `<circle cx="${pts[0]!.split(',')[0]}" cy="${pts[0]!.split(',')[1]}" r="1" fill="#1a73e8"/>` : `<polyline points="${pts.join(' ')}" fill="none" stroke="#1a73e8" stroke-width="1"/>`)).join('');
  const withData = vals.filter((v) => v !== null).length;
  const label = withData === 0 ? 'no response times in the last 24 h' : `response time, last 24 h, max ${max} ms`;
  return `<svg class="spark" data-check="${esc(checkId)}" data-max-ms="${withData ? max : ''}" data-values="${vals.map((v) => (v === null ? '' : v)).join(',')}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}">${lines}</svg>`;
}
