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
/** sequence-exhaustion: share of a sequence's range used above which it fires (percent). */
export const SEQUENCE_MAX_PERCENT = 90;
/** xid-wraparound: age(datfrozenxid) above which it fires (transactions; wraparound stops writes at about 2.1 billion). */
export const XID_AGE_HIGH = 1_000_000_000;
/** xid-wraparound: above this it is a blocker (PostgreSQL refuses writes 3 million before 2^31). */
export const XID_AGE_BLOCKER = 1_600_000_000;
/** low-cache-hit: tables and indexes served from shared buffers less often than this (percent, pghero). */
export const CACHE_HIT_MIN_PERCENT = 99;
/** low-cache-hit: judged only after this many block accesses (a fresh server reads everything from disk once). */
export const CACHE_MIN_BLOCKS = 10_000;
