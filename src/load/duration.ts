/**
 * Durations as k6 and Go write them (`500ms`, `10s`, `1m30s`), or a number of milliseconds.
 * Hand-written: a one-regex format, not worth a dependency.
 */
import { UsageError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseDuration(v: string | number, what = 'duration'): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new UsageError(`invalid ${what} ${v}: expected a non-negative number of milliseconds`);
    return v;
  }
  const s = v.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s) * 1000; // a bare number in a string means seconds, as in k6 "--duration 10"
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== s) {
    throw new UsageError(`invalid ${what} "${v}": expected e.g. 500ms, 10s, 1m30s`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/** `10s`, `1.5s`, `250ms`: the short form k6 scripts use. */
export function formatDuration(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${Math.round(ms)}ms`;
}
