/**
 * The monitor's store: results, rollups, per-check alert state, incidents, the notification trail
 * and the outbox. An interface so a PostgreSQL implementation with the same schema can follow;
 * SqliteStore (sqlite.ts) is the default. Every method is synchronous-friendly but returns plain
 * values so the alerter stays free of driver details.
 */
import type { CheckRun, FailureContext, Incident, IncidentState, MessageKind } from './types.js';

export type RollupBucket = 'minute' | 'hour' | 'day';
export const BUCKET_MS: Record<RollupBucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface Rollup {
  checkId: string;
  bucket: RollupBucket;
  /** Bucket start, ms since epoch. */
  start: number;
  total: number;
  ok: number;
  sumMs: number;
  maxMs: number;
}

/** Alert counters of one check, persisted so a restart continues where it left off. */
export interface CheckState {
  checkId: string;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  lastOk: boolean | null;
  lastAt: number | null;
  /** Unresolved incident of the check, if any. */
  incidentId: number | null;
}

/** One notification attempt as shown in the trail. */
export interface TrailEntry {
  id: number;
  incidentId: number | null;
  channel: string;
  kind: MessageKind;
  at: number;
  ok: boolean;
  error?: string;
}

/** A notification waiting to be delivered (or delivered). Rows are never deleted before delivery. */
export interface OutboxItem {
  id: number;
  incidentId: number | null;
  channel: string;
  kind: MessageKind;
  /** The AlertMessage as JSON. */
  message: string;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  lastError?: string;
  deliveredAt?: number;
}

/** Minute rollups of one check summed into a chart bucket (`bucket` = index from `since`). */
export interface SeriesRow {
  checkId: string;
  bucket: number;
  total: number;
  ok: number;
  sumMs: number;
  maxMs: number;
}

export interface RetentionDays {
  rawDays: number;
  minuteDays: number;
  hourDays: number;
  dayDays: number;
}

export interface MonitorStore {
  recordRun(run: CheckRun): void;
  runs(checkId: string, since: number, limit?: number): CheckRun[];
  rollups(checkId: string, bucket: RollupBucket, since: number): Rollup[];
  /** Minute rollups of `checkIds` since `since`, summed per check into buckets of `bucketMs` (dashboard charts). */
  series(checkIds: string[], since: number, bucketMs: number): SeriesRow[];
  /** Delete data older than the retention; returns rows deleted. */
  prune(now: number, keep: RetentionDays): number;

  getCheckState(checkId: string): CheckState;
  putCheckState(s: CheckState): void;

  openIncident(i: { checkId: string; openedAt: number; nextAt: number | null; summary: string[]; context?: FailureContext }): Incident;
  getIncident(id: number): Incident | null;
  listIncidents(filter?: { states?: IncidentState[]; checkId?: string; limit?: number }): Incident[];
  updateIncident(id: number, patch: Partial<Omit<Incident, 'id' | 'checkId' | 'openedAt'>>): void;

  enqueue(items: { incidentId: number | null; channel: string; kind: MessageKind; message: string; at: number }[]): void;
  dueOutbox(now: number, limit?: number): OutboxItem[];
  markDelivered(id: number, at: number): void;
  markFailed(id: number, at: number, error: string, nextAttemptAt: number): void;
  pendingOutbox(): OutboxItem[];
  trail(incidentId: number | null, limit?: number): TrailEntry[];
  /** Channels an incident's messages were queued for (delivered or not): they must hear "resolved". */
  trailChannels(incidentId: number): string[];

  /** Last run of every check that has run (or of `checkIds`: a dashboard page), with up/down, for the dashboard and /metrics. */
  latestRuns(checkIds?: string[]): { checkId: string; at: number; ok: boolean; durationMs: number }[];
  /** Runs per check since the oldest day rollup kept (`retention.dayDays`): the /metrics run counters. */
  runCounts(): { checkId: string; total: number; ok: number }[];
  /** Runs since `since` counted into cumulative latency buckets (ms upper bounds), per check. */
  latencyHistogram(since: number, bounds: number[]): { checkId: string; buckets: number[]; count: number; sumMs: number }[];

  /** Run `fn` atomically (state change + outbox rows commit together, or neither). */
  transaction<T>(fn: () => T): T;
  getMeta(key: string): string | null;
  /** Drop in-memory caches (PgStore: check states) when another instance may have written: called on becoming leader. */
  invalidateCaches?(): void;
  /** Registers the configured checks in one go (optional: a store may create them on first use). */
  prepareChecks?(checkIds: string[]): void;
  setMeta(key: string, value: string): void;
  /**
   * Shared checks (PostgreSQL, several instances): an instance that does not lead records its run
   * and queues it; the leader takes queued runs and moves their checks' alert state.
   */
  queueRun?(run: CheckRun): void;
  takeQueuedRuns?(limit?: number): CheckRun[];
  close(): void;
}
