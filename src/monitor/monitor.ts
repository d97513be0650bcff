/**
 * The monitor runtime: a scheduler around `runCheck`, the alerter, and the store.
 *
 * - `Monitor.tick()` runs due checks, queues due escalations and delivers the outbox; tests call it
 *   with a ManualClock (no sleeping tests).
 * - `runMonitor(config, {signal, clock})` is the long-running loop behind `launchready monitor`.
 * - `monitorCheckOnce(config, net)` runs every check once (`launchready monitor check`).
 * - `testAlert`, `ackIncident`, `ackByToken` back the CLI subcommands.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import pLimit from 'p-limit';
import type { LaunchreadyConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import type { Net } from '../net/types.js';
import { ackSecretOf, verifyAckToken } from './ack.js';
import { Alerter, type Sender } from './alerter.js';
import { runCheck, type FlowRunner } from './checks.js';
import { systemClock, type Clock } from './clock.js';
import type { MonitorCheckConfig, MonitorConfig } from './config-schema.js';
import { parseDuration } from './duration.js';
import { sendNotification, testMessage } from './notifiers/index.js';
import { evaluateSlo, type SloStatus } from './slo.js';
import { DueQueue } from './due-queue.js';
import { SqliteStore } from './sqlite.js';
import { isPostgresUrl, PgStore } from './postgres.js';
import { PgLeader, type Leadership } from './leader.js';
import type { MonitorStore } from './store.js';
import type { CheckRun, Incident } from './types.js';

/** The loop wakes at least once a second so escalations and outbox retries are on time. */
const MAX_SLEEP_MS = 1_000;
/** SLO burn rates are evaluated once a minute. */
const SLO_EVERY_MS = 60_000;
/** Retention pruning runs hourly. */
const PRUNE_EVERY_MS = 3_600_000;

export class MonitorConfigError extends UsageError {
  override name = 'MonitorConfigError';
}

/** The `monitor` section, or a clear error naming it. */
export function monitorSection(config: LaunchreadyConfig): MonitorConfig {
  if (!config.monitor) throw new MonitorConfigError('no `monitor` section in the config: add monitor.checks (see docs/monitor.md)');
  return config.monitor;
}

/** The store at monitor.store: PostgreSQL for a postgres:// URL, else a SQLite file relative to the config's directory. */
export function openMonitorStore(m: MonitorConfig, baseDir: string): SqliteStore | PgStore {
  if (isPostgresUrl(m.store)) return new PgStore(m.store);
  return new SqliteStore(m.store === ':memory:' ? ':memory:' : resolve(baseDir, m.store));
}

export interface MonitorOptions {
  config: MonitorConfig;
  net: Net;
  store: MonitorStore;
  clock?: Clock;
  /** In [0, 1); injected so jitter is reproducible in tests. */
  random?: () => number;
  runFlow?: FlowRunner;
  /** Replaces sendNotification (tests count deliveries). */
  send?: Sender;
  /** Maximum checks running at once. */
  concurrency?: number;
  /** Wait between the two quick attempts of a send (default real timers); the outbox retries later ones. */
  sendSleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** Receives one line per state change (incident opened/resolved, delivery failure). */
  log?: (line: string) => void;
  /**
   * False while another instance leads (PostgreSQL store): results finishing then are dropped and
   * nothing is sent. Checked before every send, so a demoted leader stops mid-delivery.
   */
  isLeader?: () => boolean;
  /**
   * Shared checks (several instances on PostgreSQL): whether this instance runs `checkId` now.
   * With it, an instance that does not lead still runs its share and queues the runs for the leader
   * (`MonitorStore.queueRun`), which alone moves alert state and sends.
   */
  owns?: (checkId: string) => boolean;
  /** Called as each run starts with how late it is against its due time, ms (bench/monitor.ts). */
  onStart?: (checkId: string, lagMs: number) => void;
}

export class Monitor {
  readonly alerter: Alerter;
  readonly clock: Clock;
  /** Every check not running is in the queue exactly once, at its next due time. */
  private queue = new DueQueue();
  private checks = new Map<string, MonitorCheckConfig>();
  private running = new Set<string>();
  private inflight = new Set<Promise<void>>();
  private limit: ReturnType<typeof pLimit>;
  private random: () => number;
  private lastPrune = 0;
  private lastSlo = 0;
  private lastAlertWork = -Infinity;
  private nextAlertWork = -Infinity;
  /** A run changed incident state since the last alert pass (its messages are waiting). */
  private alertDirty = false;
  /** Called when a run opens or resolves an incident, so the loop delivers its alert now rather than at the next wake. */
  onActivity: (() => void) | null = null;

  constructor(private readonly o: MonitorOptions) {
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.limit = pLimit(o.concurrency ?? 64);
    const send: Sender = o.send ?? ((name, ch, msg) => sendNotification(name, ch, msg, { http: o.net.http, attempts: 2, sleep: o.sendSleep }));
    this.alerter = new Alerter({ store: o.store, config: o.config, send, ackSecret: ackSecretOf(o.config.ackSecret, o.store), ...(o.isLeader ? { canSend: o.isLeader } : {}) });
    const now = this.clock.now();
    for (const c of o.config.checks) {
      this.checks.set(c.id, c);
      this.queue.push(c.id, now + this.jitter(c));
    }
    o.store.prepareChecks?.(o.config.checks.map((c) => c.id));
  }

  private interval(c: MonitorCheckConfig): number {
    return parseDuration(c.interval ?? this.o.config.defaults.interval);
  }
  private jitter(c: MonitorCheckConfig): number {
    return Math.floor(this.random() * parseDuration(c.jitter ?? this.o.config.defaults.jitter));
  }

  private leading(): boolean {
    return !this.o.isLeader || this.o.isLeader();
  }

  /** Ms until the next check or alert pass is due (capped at 1 s so changes made elsewhere are seen). */
  nextWakeMs(): number {
    const next = Math.min(this.queue.peek() ?? Infinity, this.leading() ? this.nextAlertWork : Infinity);
    return Math.max(0, Math.min(MAX_SLEEP_MS, next - this.clock.now()));
  }

  private async runOne(c: MonitorCheckConfig): Promise<void> {
    const run: CheckRun = await runCheck(c, { net: this.o.net, now: () => this.clock.now(), runFlow: this.o.runFlow, signal: this.o.signal }, this.o.config.defaults);
    if (!this.leading()) {
      // Shared checks: recorded and queued; the leader moves the alert state. Leader-only mode:
      // leadership moved while the probe ran, and the new leader runs this check itself.
      if (this.o.owns && this.o.store.queueRun) this.o.store.queueRun(run);
      return;
    }
    // Ownership moved meanwhile and a newer run of this check was already applied: keep the result only.
    if (this.o.owns && (this.o.store.getCheckState(run.checkId).lastAt ?? -Infinity) >= run.at) {
      this.o.store.recordRun(run);
      return;
    }
    this.applyOutcome(run, this.alerter.onRun(run));
  }

  private applyOutcome(run: CheckRun, outcome: ReturnType<Alerter['onRun']>): void {
    if (outcome === 'none') return;
    this.o.log?.(`${new Date(run.at).toISOString()} ${run.checkId}: incident ${outcome}`);
    this.alertDirty = true;
    this.onActivity?.();
  }

  /**
   * Leader with shared checks: applies the runs other instances queued, oldest first, each batch in
   * one transaction with the state changes and outbox rows it causes (a rollback re-queues them).
   * A run older than the check's last applied one (its ownership just moved) changes no state.
   */
  applyQueuedRuns(): number {
    const store = this.o.store;
    if (!store.takeQueuedRuns) return 0;
    const BATCH = 500;
    let total = 0;
    for (;;) {
      const outcomes: [CheckRun, ReturnType<Alerter['onRun']>][] = [];
      const n = store.transaction(() => {
        const runs = store.takeQueuedRuns!(BATCH);
        for (const run of runs) {
          if (!this.checks.has(run.checkId)) continue;
          if ((store.getCheckState(run.checkId).lastAt ?? -Infinity) >= run.at) continue;
          outcomes.push([run, this.alerter.onRun(run, { record: false })]);
        }
        return runs.length;
      });
      for (const [run, outcome] of outcomes) this.applyOutcome(run, outcome);
      total += n;
      if (n < BATCH) return total;
    }
  }

  /**
   * One scheduler step. With `wait` (tests, `monitor check`) it waits for the checks it started;
   * the long-running loop does not, so a slow check never delays the others.
   */
  async tick(opts: { wait?: boolean } = { wait: true }): Promise<void> {
    if (!this.leading() && !this.o.owns) return;
    const now = this.clock.now();
    const started: Promise<void>[] = [];
    for (let e = this.queue.popDue(now); e; e = this.queue.popDue(now)) {
      const c = this.checks.get(e.id)!;
      const due = e.at;
      if (this.o.owns && !this.o.owns(c.id)) {
        // Another instance's share: keep the slot one interval on, in case it becomes ours.
        let next = due + this.interval(c);
        while (next <= now) next += this.interval(c);
        this.queue.push(c.id, next);
        continue;
      }
      this.running.add(c.id);
      let startedAt = now;
      const p = this.limit(() => {
        startedAt = this.clock.now();
        this.o.onStart?.(c.id, startedAt - due);
        return this.runOne(c);
      })
        .catch((err: unknown) => this.o.log?.(`${c.id}: internal error ${(err as Error).message}`))
        .finally(() => {
          // Next run one interval after this one started (also after an internal error: no hot loop).
          this.queue.push(c.id, startedAt + this.interval(c) + this.jitter(c));
          this.running.delete(c.id);
          this.inflight.delete(p);
        });
      this.inflight.add(p);
      started.push(p);
    }
    if (opts.wait) await Promise.all(started);
    if (!this.leading()) return;
    const t = this.clock.now();
    // The alert pass (escalations, outbox) runs when something is due, when a run just opened or
    // resolved an incident, and once a second for changes made elsewhere (an ack from the CLI, another
    // instance): not on every wake, which is ~100 times a second with 10,000 checks.
    if (this.alertDirty || t >= this.nextAlertWork || t - this.lastAlertWork >= MAX_SLEEP_MS) {
      this.alertDirty = false;
      this.lastAlertWork = t;
      if (this.o.owns) this.applyQueuedRuns();
      this.alerter.tick(t);
      const d = await this.alerter.deliver(t);
      if (d.failed > 0) this.o.log?.(`${d.failed} notification(s) failed; kept in the outbox for retry`);
      this.nextAlertWork = this.alerter.nextWorkAt();
    }
    if (this.o.config.slos.length > 0 && t - this.lastSlo >= SLO_EVERY_MS) {
      this.lastSlo = t;
      this.evaluateSlos(t);
    }
    if (t - this.lastPrune >= PRUNE_EVERY_MS) {
      this.o.store.prune(t, this.o.config.retention);
      this.lastPrune = t;
    }
  }

  /** Burn-rate alerts: each SLO is a virtual check `slo:<name>` that fails while its budget burns fast. */
  evaluateSlos(now: number): SloStatus[] {
    const all: SloStatus[] = [];
    for (const slo of this.o.config.slos) {
      const st = evaluateSlo(this.o.store, slo, now);
      all.push(...st);
      const firing = st.filter((s) => s.firing);
      const run: CheckRun = {
        checkId: `slo:${slo.name}`,
        at: now,
        ok: firing.length === 0,
        durationMs: 0,
        conditions: firing.map((s) => {
          const b = s.burn.find((x) => x.firing)!;
          const text = `${s.kind} burn rate > ${b.factor}x`;
          return { condition: text, display: `${s.kind} burn rate (${b.long?.toFixed(1)}x long, ${b.short?.toFixed(1)}x short) > ${b.factor}x`, success: false };
        }),
      };
      const outcome = this.alerter.onRun(run, { record: false });
      if (outcome !== 'none') this.alertDirty = true;
      if (outcome !== 'none') this.o.log?.(`${new Date(now).toISOString()} slo:${slo.name}: incident ${outcome}`);
    }
    return all;
  }

  /** Wait for checks still running (shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.inflight]);
  }
}

export interface RunMonitorOptions {
  signal: AbortSignal;
  clock?: Clock;
  net: Net;
  /** Directory of the config file (monitor.store resolves from it). */
  baseDir: string;
  store?: MonitorStore;
  runFlow?: FlowRunner;
  log?: (line: string) => void;
  /** Election among instances; default: PgLeader for a PostgreSQL store, none (always leader) for SQLite. */
  leadership?: Leadership | null;
  /** Passed to Monitor (scheduler lag per run, for bench/monitor.ts). */
  onStart?: (checkId: string, lagMs: number) => void;
}

/** The long-running monitor; returns when `signal` aborts, after in-flight checks finish. */
export async function runMonitor(config: LaunchreadyConfig, opts: RunMonitorOptions): Promise<void> {
  const m = monitorSection(config);
  const store = opts.store ?? openMonitorStore(m, opts.baseDir);
  const clock = opts.clock ?? systemClock;
  const pollMs = parseDuration(m.standbyPoll);
  const leader = opts.leadership !== undefined ? opts.leadership : isPostgresUrl(m.store) ? new PgLeader(m.store, { pollMs, log: opts.log, share: m.shareChecks, leaseMs: parseDuration(m.instanceLease) }) : null;
  // Shared checks: every instance runs its share; an injected election shares when it has owns().
  const owns = leader?.owns && (opts.leadership !== undefined || m.shareChecks) ? (id: string) => leader.owns!(id) : undefined;
  /** Heartbeat cadence of the leader (and, with shared checks, of every instance). */
  const beatMs = Math.min(pollMs, MAX_SLEEP_MS);
  // One internal signal, linked once: every in-flight probe and every sleep listens to it, so it
  // takes more listeners than EventTarget's warning threshold by design (64 checks in flight).
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  if (opts.signal.aborted) stop.abort();
  else opts.signal.addEventListener('abort', () => stop.abort(), { once: true });
  const signal = stop.signal;
  const mon = new Monitor({ config: m, net: opts.net, store, clock, runFlow: opts.runFlow, signal, log: opts.log, ...(opts.onStart ? { onStart: opts.onStart } : {}), ...(leader ? { isLeader: () => leader.isLeader() } : {}), ...(owns ? { owns } : {}) });
  let dashboard: { url: string; app: { close(): Promise<unknown> } } | null = null;
  if (m.dashboard) {
    // Without a configured token a random one is created once, kept in the store, and printed.
    let token = m.dashboard.token ?? store.getMeta('dashboard_token');
    if (!token) {
      token = randomBytes(18).toString('base64url');
      store.setMeta('dashboard_token', token);
    }
    const { startDashboard } = await import('./dashboard.js');
    dashboard = await startDashboard({ config: m, store, token, now: () => clock.now() });
    opts.log?.(`dashboard on ${dashboard.url}${m.dashboard.token ? '' : ` (token: ${token})`}`);
  }
  try {
    let lastPoll = -Infinity;
    while (!signal.aborted) {
      const wake = new AbortController();
      mon.onActivity = () => wake.abort();
      // The leader (and with shared checks every instance) heartbeats at most a second apart; a
      // standby tries the lock every standbyPoll.
      let leading = true;
      if (leader) {
        const t = clock.now();
        leading = leader.isLeader();
        if (t - lastPoll >= (leading || owns ? beatMs : pollMs)) {
          lastPoll = t;
          const was = leading;
          leading = await leader.poll(t);
          // Another instance led meanwhile: what this one cached about check state may be stale.
          if (leading && !was) (store as MonitorStore).invalidateCaches?.();
        }
      }
      const working = leading || !!owns;
      if (working) await mon.tick({ wait: false });
      const sleep = working
        ? Math.max(10, Math.min(mon.nextWakeMs(), leader ? beatMs - (clock.now() - lastPoll) : Infinity))
        : Math.max(10, pollMs - (clock.now() - lastPoll));
      // Woken early by a finished check or by stop; no AbortSignal.any, which keeps a registration per
      // call alive until GC in Node 20 (thousands an hour in this loop).
      const onStop = () => wake.abort();
      signal.addEventListener('abort', onStop, { once: true });
      await clock.sleep(sleep, wake.signal);
      signal.removeEventListener('abort', onStop);
    }
    await mon.drain();
  } finally {
    await leader?.close();
    await dashboard?.app.close();
    if (!opts.store) store.close();
  }
}

/** Every check once, no store and no alerts: for cron and CI. `ok` false when any check failed. */
export async function monitorCheckOnce(config: LaunchreadyConfig, net: Net, opts: { clock?: Clock; runFlow?: FlowRunner; concurrency?: number } = {}): Promise<{ ok: boolean; runs: CheckRun[] }> {
  const m = monitorSection(config);
  const clock = opts.clock ?? systemClock;
  const limit = pLimit(opts.concurrency ?? 16);
  const runs = await Promise.all(m.checks.map((c) => limit(() => runCheck(c, { net, now: () => clock.now(), runFlow: opts.runFlow }, m.defaults))));
  return { ok: runs.every((r) => r.ok), runs };
}

/** `launchready monitor test-alert <channel>`: sends one test message; throws NotifyError on failure. */
export async function testAlert(config: LaunchreadyConfig, channel: string, net: Net, opts: { now?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<void> {
  const m = monitorSection(config);
  const ch = m.channels[channel];
  if (!ch) throw new MonitorConfigError(`unknown channel "${channel}"; defined: ${Object.keys(m.channels).join(', ') || 'none'}`);
  await sendNotification(channel, ch, testMessage(opts.now ?? Date.now()), { http: net.http, sleep: opts.sleep, attempts: 2 });
}

/** `launchready monitor ack <incident>`: acknowledges in the store (a running monitor sees it on its next tick). */
export function ackIncident(store: MonitorStore, config: MonitorConfig, incidentId: number, by: string, now: number): Incident {
  const a = new Alerter({ store, config, send: async () => undefined, ackSecret: ackSecretOf(config.ackSecret, store) });
  return a.ack(incidentId, by, now);
}

/** Acknowledge through a signed link token (dashboard `/ack/<token>`). Throws AckTokenError. */
export function ackByToken(store: MonitorStore, config: MonitorConfig, token: string, now: number): Incident {
  const id = verifyAckToken(ackSecretOf(config.ackSecret, store), token, now);
  return ackIncident(store, config, id, 'link', now);
}

/** `launchready monitor incidents`: unresolved first, then recent. */
export function listIncidents(store: MonitorStore, opts: { all?: boolean; limit?: number } = {}): Incident[] {
  return store.listIncidents(opts.all ? { limit: opts.limit ?? 50 } : { states: ['open', 'acknowledged'], limit: opts.limit ?? 50 });
}
