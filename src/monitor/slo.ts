/**
 * SLOs: availability and latency objectives over a rolling window, the error budget left, and
 * multi-window multi-burn-rate alerts as in the SRE workbook (chapter 5, "Alerting on SLOs"):
 *
 *   page when burn rate > 14.4 over 1 h AND over 5 min   (2% of a 30-day budget in an hour)
 *   page when burn rate >  6   over 6 h AND over 30 min  (5% of the budget in six hours)
 *
 * burn rate = error rate in the window / (1 - objective). Synthetic checks produce few events
 * (60 per hour at a 60 s interval), where one failed probe already burns 16x; so a window only
 * counts when it has at least `minEvents` events and `minBadEvents` bad ones.
 *
 * Availability events are runs (good = ok). Latency events are runs too (good = ok and faster than
 * the threshold): "p95 < 300ms" means 95% of runs are good, so the budget is 5%.
 */
import type { MonitorConfig } from './config-schema.js';
import { parseDuration } from './duration.js';
import type { MonitorStore, Rollup } from './store.js';

type SloConfig = MonitorConfig['slos'][number];

export const BURN_RULES = [
  { factor: 14.4, longMs: 3_600_000, shortMs: 300_000 },
  { factor: 6, longMs: 21_600_000, shortMs: 1_800_000 },
] as const;

export interface SloOptions {
  /** A window with fewer events is not judged (default 5). */
  minEvents?: number;
  /** A window with fewer bad events is not judged (default 2): one failed probe never pages. */
  minBadEvents?: number;
}

export interface WindowCount {
  total: number;
  bad: number;
}

export interface SloStatus {
  name: string;
  kind: 'availability' | 'latency';
  /** Objective as a fraction, e.g. 0.999. */
  objective: number;
  window: { total: number; bad: number; compliance: number | null };
  /** Fraction of the error budget left (1 = untouched, negative = overspent), null without data. */
  budgetRemaining: number | null;
  /** Burn rates per rule (long/short windows), null when the window has too few events. */
  burn: { factor: number; long: number | null; short: number | null; firing: boolean }[];
  firing: boolean;
}

/** Counts from minute rollups (availability) or raw runs (latency needs each duration). */
export function countWindow(store: MonitorStore, checks: string[], kind: 'availability' | 'latency', belowMs: number, since: number, now: number): WindowCount {
  let total = 0;
  let bad = 0;
  for (const id of checks) {
    if (kind === 'availability') {
      // Minute rollups are exact for burn windows (and kept 2 days); long windows read hour rollups.
      const rows: Rollup[] = now - since > 2 * 86_400_000 ? store.rollups(id, 'hour', since) : store.rollups(id, 'minute', since);
      for (const r of rows) {
        total += r.total;
        bad += r.total - r.ok;
      }
    } else {
      for (const r of store.runs(id, since, 1_000_000)) {
        total++;
        if (!r.ok || r.durationMs >= belowMs) bad++;
      }
    }
  }
  return { total, bad };
}

export function burnRate(c: WindowCount, objective: number, o: SloOptions = {}): number | null {
  if (c.total < (o.minEvents ?? 5) || c.bad < (o.minBadEvents ?? 2)) return c.total >= (o.minEvents ?? 5) ? 0 : null;
  return c.bad / c.total / (1 - objective);
}

/** Every objective of one SLO config entry (availability and/or latency). */
export function evaluateSlo(store: MonitorStore, slo: SloConfig, now: number, o: SloOptions = {}): SloStatus[] {
  const out: SloStatus[] = [];
  const kinds: { kind: 'availability' | 'latency'; objective: number; belowMs: number }[] = [];
  if (slo.availability !== undefined) kinds.push({ kind: 'availability', objective: slo.availability / 100, belowMs: Infinity });
  if (slo.latency) kinds.push({ kind: 'latency', objective: slo.latency.percentile / 100, belowMs: parseDuration(slo.latency.below) });
  for (const k of kinds) {
    const win = countWindow(store, slo.checks, k.kind, k.belowMs, now - parseDuration(slo.window), now);
    const compliance = win.total ? 1 - win.bad / win.total : null;
    const budgetRemaining = compliance === null ? null : 1 - (1 - compliance) / (1 - k.objective);
    const burn = BURN_RULES.map((r) => {
      const long = burnRate(countWindow(store, slo.checks, k.kind, k.belowMs, now - r.longMs, now), k.objective, o);
      const short = burnRate(countWindow(store, slo.checks, k.kind, k.belowMs, now - r.shortMs, now), k.objective, o);
      return { factor: r.factor, long, short, firing: long !== null && short !== null && long > r.factor && short > r.factor };
    });
    out.push({ name: slo.name, kind: k.kind, objective: k.objective, window: { ...win, compliance }, budgetRemaining, burn, firing: burn.some((b) => b.firing) });
  }
  return out;
}
