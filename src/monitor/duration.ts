/**
 * Durations as users write them in config and conditions: `500ms`, `30s`, `10m`, `336h`, `30d`, `2w`.
 * Hand-written (no `ms` dependency) because we need a strict parser that rejects `10 minutes` and
 * compound forms with a message naming the input; a bare number means milliseconds.
 */

export class DurationError extends Error {
  override name = 'DurationError';
}

/** Units in milliseconds. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** `10m` -> 600000. Throws DurationError quoting the input. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new DurationError(`invalid duration ${text}: expected a non-negative number of ms`);
    return text;
  }
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const m = DURATION_RE.exec(s);
  if (!m) throw new DurationError(`invalid duration "${text}": expected a number and a unit (ms, s, m, h, d, w), e.g. 10m`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

/** True when `text` parses as a duration (used by the config schema). */
export function isDuration(text: string): boolean {
  return /^\d+$/.test(text.trim()) || DURATION_RE.test(text.trim());
}

/** 5400000 -> `1h30m` (for messages). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [u, secs] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= secs) {
      parts.push(`${Math.floor(rest / secs)}${u}`);
      rest %= secs;
    }
  }
  return parts.join('');
}
