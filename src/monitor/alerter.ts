/**
 * The alert state machine, per check:
 *
 *   failures >= failureThreshold (not suppressed) -> incident `open`, escalation step 0 queued
 *   open --ack--> acknowledged (escalation stops)
 *   open|acknowledged --successes >= successThreshold--> resolved (every channel alerted is told)
 *
 * Suppression: no incident opens while the check's parent is failing, or inside a maintenance
 * window. "Resolved" is never suppressed: whoever heard about an incident hears it ended.
 *
 * Everything lives in the store (counters, incident step and next due time, outbox), so a restart
 * recomputes nothing by hand: `tick(now)` sends what is due. State changes and the outbox rows they
 * cause commit in one transaction; delivery happens after, from the outbox, so a crash between
 * the two re-sends at most the in-flight message and never loses one.
 */
import pLimit from 'p-limit';
import { ACK_LINK_TTL_MS, signAckToken } from './ack.js';
import { checkTarget } from './checks.js';
import type { ChannelConfig, MonitorCheckConfig, MonitorConfig } from './config-schema.js';
import { parseDuration } from './duration.js';
import type { MonitorStore, OutboxItem } from './store.js';
import type { AlertMessage, CheckRun, Incident, MessageKind } from './types.js';

/** Outbox back-off: 30 s doubling per attempt, capped at 1 h (the message is kept, never dropped). */
export function outboxBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}
/** Catch-up after downtime sends at most this many steps per incident per tick (bounded loop). */
const MAX_STEPS_PER_TICK = 32;

export type Sender = (channelName: string, channel: ChannelConfig, message: AlertMessage) => Promise<void>;

export interface AlerterOptions {
  store: MonitorStore;
  config: MonitorConfig;
  send: Sender;
  ackSecret: string;
  /** Asked before every send; false (this instance is no longer the leader) leaves the row queued. */
  canSend?: () => boolean;
}

interface Step {
  afterMs: number;
  notify: string[];
}

export class IncidentNotFoundError extends Error {
  override name = 'IncidentNotFoundError';
}

export class Alerter {
  readonly steps: Step[];
  readonly repeatMs: number | null;
  private checks = new Map<string, MonitorCheckConfig>();
  /** SLO burn-rate alerts ride the same state machine as checks named `slo:<name>` (threshold 1). */
  private virtual = new Map<string, { name: string; target: string }>();
  private delivering = false;

  constructor(private readonly o: AlerterOptions) {
    const esc = o.config.escalation;
    // Without a policy every channel hears about an incident once, when it opens.
    this.steps = esc ? esc.steps.map((s) => ({ afterMs: parseDuration(s.after), notify: s.notify })) : [{ afterMs: 0, notify: Object.keys(o.config.channels) }];
    this.repeatMs = esc?.repeat ? parseDuration(esc.repeat) : null;
    for (const c of o.config.checks) this.checks.set(c.id, c);
    for (const s of o.config.slos) this.virtual.set(`slo:${s.name}`, { name: `SLO ${s.name} (error budget burning)`, target: s.checks.join(', ') });
  }

  private threshold(id: string, k: 'failureThreshold' | 'successThreshold'): number {
    if (this.virtual.has(id)) return 1;
    return this.checks.get(id)?.[k] ?? this.o.config.defaults[k];
  }

  inMaintenance(checkId: string, now: number): boolean {
    return this.o.config.maintenance.some((w) => Date.parse(w.start) <= now && now < Date.parse(w.end) && (!w.checks || w.checks.includes(checkId)));
  }

  /** Parent is down: its last run failed or it has an unresolved incident (walks up the chain). */
  parentDown(checkId: string): string | null {
    const seen = new Set<string>();
    let p = this.checks.get(checkId)?.parent;
    while (p && !seen.has(p)) {
      seen.add(p);
      const s = this.o.store.getCheckState(p);
      if (s.lastOk === false || s.incidentId !== null) return p;
      p = this.checks.get(p)?.parent;
    }
    return null;
  }

  private message(kind: MessageKind, inc: Incident, now: number): AlertMessage {
    const c = this.checks.get(inc.checkId);
    const m: AlertMessage = {
      kind,
      incidentId: inc.id,
      checkId: inc.checkId,
      checkName: c?.name ?? this.virtual.get(inc.checkId)?.name ?? inc.checkId,
      target: c ? checkTarget(c) : (this.virtual.get(inc.checkId)?.target ?? inc.checkId),
      summary: kind === 'resolved' ? [] : inc.summary,
      startedAt: new Date(inc.openedAt).toISOString(),
      at: new Date(now).toISOString(),
    };
    if (kind !== 'resolved' && inc.context) m.context = inc.context;
    if (this.o.config.publicUrl && kind !== 'resolved') {
      m.ackUrl = `${this.o.config.publicUrl.replace(/\/$/, '')}/ack/${signAckToken(this.o.ackSecret, inc.id, now + ACK_LINK_TTL_MS)}`;
    }
    return m;
  }

  private enqueue(kind: MessageKind, inc: Incident, channels: string[], now: number): void {
    const msg = JSON.stringify(this.message(kind, inc, now));
    this.o.store.enqueue([...new Set(channels)].map((channel) => ({ incidentId: inc.id, channel, kind, message: msg, at: now })));
  }

  /** Record one run and move the state machine. Returns what happened, for logs and tests. */
  onRun(run: CheckRun, opts: { record?: boolean } = {}): 'opened' | 'resolved' | 'suppressed' | 'none' {
    const store = this.o.store;
    return store.transaction(() => {
      // SLO verdicts move the state machine but are not results of their own (no rollups).
      if (opts.record !== false) store.recordRun(run);
      const s = store.getCheckState(run.checkId);
      s.lastAt = run.at;
      s.lastOk = run.ok;
      let outcome: 'opened' | 'resolved' | 'suppressed' | 'none' = 'none';
      if (run.ok) {
        s.consecutiveSuccesses++;
        s.consecutiveFailures = 0;
        if (s.incidentId !== null && s.consecutiveSuccesses >= this.threshold(run.checkId, 'successThreshold')) {
          const inc = store.getIncident(s.incidentId);
          if (inc && inc.state !== 'resolved') {
            store.updateIncident(inc.id, { state: 'resolved', resolvedAt: run.at, nextAt: null });
            const told = store.trailChannels(inc.id);
            if (told.length > 0) this.enqueue('resolved', { ...inc, state: 'resolved' }, told, run.at);
            outcome = 'resolved';
          }
          s.incidentId = null;
        }
      } else {
        s.consecutiveFailures++;
        s.consecutiveSuccesses = 0;
        if (s.incidentId === null && s.consecutiveFailures >= this.threshold(run.checkId, 'failureThreshold')) {
          if (this.parentDown(run.checkId) || this.inMaintenance(run.checkId, run.at)) {
            outcome = 'suppressed';
          } else {
            const summary = run.conditions.filter((x) => !x.success).map((x) => x.display);
            if (run.error && summary.length === 0) summary.push(run.error);
            const inc = store.openIncident({ checkId: run.checkId, openedAt: run.at, nextAt: run.at + this.steps[0]!.afterMs, summary, context: run.context });
            s.incidentId = inc.id;
            this.escalate(inc, run.at);
            outcome = 'opened';
          }
        }
      }
      store.putCheckState(s);
      return outcome;
    });
  }

  /** Queue every escalation step (or repeat) of `inc` that is due at `now`. */
  private escalate(inc: Incident, now: number): void {
    let { nextStep, nextAt, repeats } = inc;
    let guard = 0;
    while (nextAt !== null && nextAt <= now && guard++ < MAX_STEPS_PER_TICK) {
      if (nextStep < this.steps.length) {
        this.enqueue(nextStep === 0 ? 'open' : 'escalation', inc, this.steps[nextStep]!.notify, now);
        nextStep++;
        nextAt = nextStep < this.steps.length ? inc.openedAt + this.steps[nextStep]!.afterMs : this.repeatMs !== null ? nextAt + this.repeatMs : null;
      } else if (this.repeatMs !== null) {
        this.enqueue('repeat', inc, this.steps[this.steps.length - 1]!.notify, now);
        repeats++;
        nextAt += this.repeatMs;
      } else {
        nextAt = null;
      }
      // After downtime, missed repeats collapse into one: the next one is scheduled from now.
      if (nextAt !== null && nextStep >= this.steps.length && nextAt <= now) nextAt = now + (this.repeatMs ?? 0);
    }
    this.o.store.updateIncident(inc.id, { nextStep, nextAt, repeats });
  }

  /** Queue escalations due at `now` for every open (unacknowledged) incident. */
  tick(now: number): void {
    this.o.store.transaction(() => {
      for (const inc of this.o.store.listIncidents({ states: ['open'] })) {
        if (inc.nextAt !== null && inc.nextAt <= now) this.escalate(inc, now);
      }
    });
  }

  /** Earliest time an escalation step or an outbox retry is due (Infinity when none), for the scheduler. */
  nextWorkAt(): number {
    let at = Infinity;
    for (const i of this.o.store.listIncidents({ states: ['open'] })) if (i.nextAt !== null) at = Math.min(at, i.nextAt);
    for (const o of this.o.store.pendingOutbox()) at = Math.min(at, o.nextAttemptAt);
    return at;
  }

  /** open -> acknowledged; stops escalation. Acknowledging twice is harmless. */
  ack(incidentId: number, by: string, now: number): Incident {
    const inc = this.o.store.getIncident(incidentId);
    if (!inc) throw new IncidentNotFoundError(`no incident #${incidentId}`);
    if (inc.state === 'open') this.o.store.updateIncident(incidentId, { state: 'acknowledged', ackedAt: now, ackedBy: by, nextAt: null });
    return this.o.store.getIncident(incidentId)!;
  }

  /** Deliver due outbox rows; failures are rescheduled with back-off. */
  async deliver(now: number, concurrency = 8): Promise<{ sent: number; failed: number }> {
    if (this.delivering) return { sent: 0, failed: 0 };
    this.delivering = true;
    try {
      const limit = pLimit(concurrency);
      let sent = 0;
      let failed = 0;
      await Promise.all(
        this.o.store.dueOutbox(now).map((item: OutboxItem) =>
          limit(async () => {
            const ch = this.o.config.channels[item.channel];
            if (this.o.canSend && !this.o.canSend()) return;
            try {
              if (!ch) throw new Error(`channel "${item.channel}" is not in the config any more`);
              await this.o.send(item.channel, ch, JSON.parse(item.message) as AlertMessage);
              this.o.store.markDelivered(item.id, now);
              sent++;
            } catch (e) {
              this.o.store.markFailed(item.id, now, (e as Error).message.slice(0, 500), now + outboxBackoffMs(item.attempts + 1));
              failed++;
            }
          }),
        ),
      );
      return { sent, failed };
    } finally {
      this.delivering = false;
    }
  }
}
