/**
 * Thresholds of the db/* audits, pghero's defaults (ankane/pghero, lib/pghero/methods/*.rb),
 * with units in the names.
 */
/** seq-scan-hotspot: tables smaller than this are cheap to scan (rows, n_live_tup). */
export const HOTSPOT_MIN_ROWS = 10_000;
/** seq-scan-hotspot: share of scans served by indexes under which the table is a hotspot (percent). */
export const HOTSPOT_MIN_INDEX_PERCENT = 95;
/** unused-index: an index with at most this many scans since the reset is unused. */
export const UNUSED_MAX_SCANS = 50;
/** unused-index: statistics younger than this are too fresh to judge (seconds; 7 days). */
export const STATS_MIN_AGE_SECONDS = 7 * 24 * 3600;
/** slow-statement: mean time (ms) that counts as slow once a statement has SLOW_MIN_CALLS calls. */
export const SLOW_MEAN_MS = 20;
export const SLOW_MIN_CALLS = 100;
/** slow-statement: any statement whose mean exceeds the read budget is slow regardless of calls (ms). */
export const READ_BUDGET_MS = 300;
