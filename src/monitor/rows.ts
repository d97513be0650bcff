/**
 * Row shapes of the incidents and outbox tables and their mapping to the store's types, shared by
 * the SQLite and PostgreSQL stores (same schema, same column names).
 */
import type { CheckRun, Incident, IncidentState, MessageKind } from './types.js';
import { BUCKET_MS, type OutboxItem, type RollupBucket } from './store.js';

export interface IncidentRow {
  id: number; check_id: string; state: IncidentState; opened_at: number; acked_at: number | null; acked_by: string | null;
  resolved_at: number | null; next_step: number; next_at: number | null; repeats: number; summary: string; context: string | null;
}
export interface OutboxRow {
  id: number; incident_id: number | null; channel: string; kind: MessageKind; message: string; attempts: number;
  next_attempt_at: number; created_at: number; last_error: string | null; delivered_at: number | null;
}

export function toIncident(r: IncidentRow): Incident {
  const i: Incident = { id: r.id, checkId: r.check_id, state: r.state, openedAt: r.opened_at, nextStep: r.next_step, nextAt: r.next_at, repeats: r.repeats, summary: JSON.parse(r.summary) as string[] };
  if (r.acked_at !== null) i.ackedAt = r.acked_at;
  if (r.acked_by !== null) i.ackedBy = r.acked_by;
  if (r.resolved_at !== null) i.resolvedAt = r.resolved_at;
  if (r.context) i.context = JSON.parse(r.context) as Incident['context'];
  return i;
}
export function toOutbox(r: OutboxRow): OutboxItem {
  const o: OutboxItem = { id: r.id, incidentId: r.incident_id, channel: r.channel, kind: r.kind, message: r.message, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, createdAt: r.created_at };
  if (r.last_error !== null) o.lastError = r.last_error;
  if (r.delivered_at !== null) o.deliveredAt = r.delivered_at;
  return o;
}

export const ROLLUP_BUCKETS: readonly RollupBucket[] = ['minute', 'hour', 'day'];

/**
 * What both stores write for one run: whole milliseconds, the failure detail (failed conditions,
 * error, context; null for a passing run) and the start of its minute, hour and day rollups.
 */
export function runRow(run: CheckRun): { ms: number; detail: string | null; starts: number[] } {
  return {
    ms: Math.round(run.durationMs),
    detail: run.ok ? null : JSON.stringify({ conditions: run.conditions.filter((c) => !c.success).map((c) => c.display), error: run.error, context: run.context }),
    starts: ROLLUP_BUCKETS.map((b) => Math.floor(run.at / BUCKET_MS[b]) * BUCKET_MS[b]),
  };
}
