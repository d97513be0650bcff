/**
 * Shapes shared by the monitor: what a probe observed, what a check run produced, and the
 * messages notifiers send. Plain data (stored in SQLite as JSON where noted).
 */

export type CheckKind = 'http' | 'tls' | 'dns' | 'tcp' | 'postgres' | 'mysql' | 'redis' | 'flow';

/**
 * What one probe observed; conditions are evaluated over it (Gatus's `Result`).
 * A field left undefined was not produced by this kind of check: a condition on it shows INVALID.
 */
export interface ProbeResult {
  /** HTTP status code, e.g. 200 ([STATUS]). */
  status?: number;
  /** Wall time of the probe in ms, e.g. 42 ([RESPONSE_TIME]). */
  responseTimeMs?: number;
  /** Response body (http), first row as JSON (postgres, mysql), answers joined by "," (dns) ([BODY]). Never stored. */
  body?: string;
  /** Time left on the leaf certificate in ms, e.g. 1209600000 for 14 days ([CERTIFICATE_EXPIRATION]). */
  certificateExpirationMs?: number;
  /** The connection was established ([CONNECTED]). */
  connected?: boolean;
  /** Remote address connected to ([IP]). */
  ip?: string;
  /** DNS response code, e.g. NOERROR ([DNS_RCODE]). */
  dnsRcode?: string;
  /** Length of the watched Redis list, e.g. 12 ([QUEUE_DEPTH]). */
  queueDepth?: number;
  /** Rows returned by the postgres/mysql query ([ROWS]). */
  rows?: number;
  /** Network or protocol error, when the probe could not complete. */
  error?: string;
  /** Response headers of an http check (kept for incident context, masked). */
  headers?: Record<string, string | string[]>;
}

/** One evaluated condition. */
export interface ConditionResult {
  /** The condition as written by the user. */
  condition: string;
  /** The condition with observed values inline, e.g. `[STATUS] (500) == 200`. */
  display: string;
  success: boolean;
}

/** Error context of a failed http check, recorded in the incident ("what broke"). */
export interface FailureContext {
  status?: number;
  headers?: Record<string, string>;
  /** First bytes of the body, secrets masked. */
  bodyExcerpt?: string;
  error?: string;
}

/** The outcome of running one check once. */
export interface CheckRun {
  checkId: string;
  /** Start of the run, ms since epoch. */
  at: number;
  ok: boolean;
  durationMs: number;
  conditions: ConditionResult[];
  error?: string;
  context?: FailureContext;
}

export type IncidentState = 'open' | 'acknowledged' | 'resolved';

export interface Incident {
  id: number;
  checkId: string;
  state: IncidentState;
  openedAt: number;
  ackedAt?: number;
  ackedBy?: string;
  resolvedAt?: number;
  /** Index of the next escalation step to send (steps.length when all were sent). */
  nextStep: number;
  /** When the next step (or repeat) is due, ms since epoch; null when nothing is scheduled. */
  nextAt: number | null;
  /** Times the last step has been repeated. */
  repeats: number;
  /** Failed conditions and error context at open time. */
  summary: string[];
  context?: FailureContext;
}

export type MessageKind = 'open' | 'escalation' | 'repeat' | 'resolved' | 'test';

/** What a notifier turns into a payload. */
export interface AlertMessage {
  kind: MessageKind;
  incidentId: number | null;
  checkId: string;
  checkName: string;
  /** URL or host:port the check probes. */
  target: string;
  /** Failed conditions with observed values (open/escalation), empty for resolved/test. */
  summary: string[];
  /** Incident start, ISO 8601. */
  startedAt: string;
  /** Time of this message, ISO 8601. */
  at: string;
  /** Signed, expiring acknowledge link (when monitor.publicUrl is set). */
  ackUrl?: string;
  context?: FailureContext;
}
