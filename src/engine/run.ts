/**
 * The engine: plan -> gather (concurrently, dependencies first) -> audit -> score -> sequence.
 * Failures stay local (Lighthouse's runner): a gatherer that throws becomes an error artifact,
 * an audit whose artifact is missing or errored is skipped with the reason, an audit that throws
 * becomes an entry in report.errors. Only the abort signal ends a run early.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ArtifactId, AuditResult, Gatherer } from '../core/audit.js';
import { isArtifactError } from '../core/audit.js';
import type { LaunchreadyConfig } from '../config/schema.js';
import type { Artifacts } from '../gather/artifacts.js';
import type { Net } from '../net/types.js';
import type { CheckedTarget, Finding, FindingDraft, Report, Severity, Skipped, Stage } from '../core/types.js';
import { severityRank } from '../core/types.js';
import { AbortedError } from '../core/errors.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { docsAnchor, type Registry } from './registry.js';
import { planRun, type PlanOptions } from './plan.js';
import { scoreReport } from './score.js';
import { launchSequence } from './sequence.js';
import { applyAcceptances, type Acceptance } from '../handover/accept.js';

/** Progress events; the CLI renders them (task list on a TTY, timestamped lines otherwise). */
export type ProgressEvent =
  | { type: 'gather-start'; id: string; title: string }
  | { type: 'gather-update'; id: string; message: string }
  | { type: 'gather-end'; id: string; title: string; ok: boolean; ms: number; error?: string }
  | { type: 'audit-end'; id: string; findings: number };

export interface RunOptions extends PlanOptions {
  config: LaunchreadyConfig;
  configPath: string | null;
  baseDir: string;
  net: Net;
  registry: Registry;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Injected clock (ms since epoch). */
  now?: () => number;
  /** Accepted risks (.launchready/accepted.json): matching findings are marked deferred. */
  accepted?: readonly Acceptance[];
}

export async function runAudit(opts: RunOptions): Promise<{ report: Report; artifacts: Partial<Artifacts> }> {
  const now = opts.now ?? Date.now;
  const started = now();
  const signal = opts.signal ?? new AbortController().signal;
  // Every request of every gatherer listens on the one run signal.
  setMaxListeners(0, signal);
  const plan = planRun(opts.registry, opts.config, opts);
  const { artifacts, gatherMs } = await gatherAll(plan.artifacts, opts, signal, now);
  if (signal.aborted) throw new AbortedError('stopped by the user');

  const findings: Finding[] = [];
  const skipped: Skipped[] = plan.excluded.flatMap((e) => e.rules.map((id) => ({ id, reason: e.reason })));
  const checked: CheckedTarget[] = [];
  const passed = new Set<string>();
  const errors: { audit: string; message: string }[] = [];
  const metrics: Record<string, unknown> = {};
  const checkedStages = new Set<Stage>();

  for (const audit of plan.audits) {
    const missing = audit.meta.requiredArtifacts.find((id) => artifacts[id] === undefined || isArtifactError(artifacts[id]));
    if (missing !== undefined) {
      const a = artifacts[missing];
      const reason = isArtifactError(a) ? `${String(missing)}: ${a.error.message}` : `${String(missing)} was not gathered`;
      for (const id of audit.meta.emits) if (opts.config.rules[id] !== 'off') skipped.push({ id, reason });
      continue;
    }
    const input = Object.fromEntries(audit.meta.requiredArtifacts.map((id) => [id, artifacts[id]]));
    let result: AuditResult;
    try {
      result = audit.audit(input as never, { config: opts.config, now: started });
    } catch (err) {
      errors.push({ audit: audit.meta.id, message: (err as Error)?.stack?.split('\n').slice(0, 3).join(' ') ?? String(err) });
      continue;
    }
    if (result.metrics) Object.assign(metrics, result.metrics);
    if (result.notApplicable) {
      for (const id of audit.meta.emits) if (opts.config.rules[id] !== 'off') skipped.push({ id, reason: result.notApplicable });
      continue;
    }
    const enabled = audit.meta.emits.filter((id) => opts.config.rules[id] !== 'off');
    const fired = new Set<string>();
    for (const d of result.findings) {
      const f = toFinding(d, opts);
      if (!f) continue;
      findings.push(f);
      fired.add(d.rule);
    }
    for (const id of enabled) {
      checkedStages.add(opts.registry.rules.get(id)!.stage);
      if (!fired.has(id)) passed.add(id);
      for (const t of result.targets ?? []) checked.push({ rule: id, target: t });
    }
    opts.onProgress?.({ type: 'audit-end', id: audit.meta.id, findings: result.findings.length });
  }

  if (opts.accepted?.length) {
    const r = applyAcceptances(findings, opts.accepted, started);
    metrics.acceptances = { applied: r.applied, unused: r.unused, expired: r.expired };
  }
  findings.sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.stage - b.stage || a.id.localeCompare(b.id) || a.target.localeCompare(b.target),
  );
  const { overall, stages, verdict } = scoreReport(findings, checkedStages);
  metrics.gather = { wallMs: gatherMs.wall, sumMs: gatherMs.sum, perArtifact: gatherMs.per };
  const report: Report = {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    startedAt: new Date(started).toISOString(),
    durationMs: Math.max(0, Math.round(now() - started)),
    config: { path: opts.configPath },
    verdict,
    score: { overall, stages },
    findings,
    passed: [...passed].sort(),
    skipped,
    launchSequence: launchSequence(findings),
    metrics,
    checked,
    ...(errors.length ? { errors } : {}),
  };
  return { report, artifacts };
}

/** Builds the report finding from an audit's draft: wording from the rule, severity from config. */
export function toFinding(d: FindingDraft, opts: Pick<RunOptions, 'registry' | 'config'>): Finding | null {
  const rule = opts.registry.rules.get(d.rule);
  if (!rule) throw new Error(`audit emitted unknown rule ${d.rule}`);
  const override = opts.config.rules[d.rule];
  if (override === 'off') return null;
  const severity: Severity = override ?? d.severity ?? rule.severity;
  const fingerprint =
    d.key ?? createHash('sha256').update(`${d.rule}\0${d.target}\0${d.location?.file ?? ''}`).digest('hex').slice(0, 16);
  return {
    id: rule.id,
    stage: rule.stage,
    severity,
    title: rule.title,
    target: d.target,
    evidence: d.evidence ?? {},
    remediation: d.remediation ?? rule.remediation,
    docs: docsAnchor(rule.id),
    ...(d.location ? { location: d.location } : {}),
    fingerprint,
  };
}

async function gatherAll(
  ids: ArtifactId[],
  opts: RunOptions,
  signal: AbortSignal,
  now: () => number,
): Promise<{ artifacts: Partial<Artifacts>; gatherMs: { wall: number; sum: number; per: Record<string, number> } }> {
  const artifacts: Partial<Artifacts> = {};
  const per: Record<string, number> = {};
  const t0 = now();
  const pending = new Map<ArtifactId, Promise<void>>();
  const start = (id: ArtifactId): Promise<void> => {
    const existing = pending.get(id);
    if (existing) return existing;
    const g: Gatherer | undefined = opts.registry.gatherers.get(id);
    const p = (async () => {
      if (!g) {
        (artifacts as Record<string, unknown>)[id] = { error: { code: 'NO_GATHERER', message: `no gatherer for ${String(id)}` } };
        return;
      }
      await Promise.all((g.dependsOn ?? []).map(start));
      if (signal.aborted) return;
      const s = now();
      opts.onProgress?.({ type: 'gather-start', id: String(id), title: g.title });
      let value: unknown;
      try {
        value = await g.gather({
          config: opts.config,
          baseDir: opts.baseDir,
          net: opts.net,
          signal,
          progress: { update: (message) => opts.onProgress?.({ type: 'gather-update', id: String(id), message }) },
          now,
          artifacts,
        });
      } catch (err) {
        value = { error: { code: 'GATHERER_FAILED', message: (err as Error)?.message ?? String(err) } };
      }
      (artifacts as Record<string, unknown>)[id] = value;
      const ms = Math.round(now() - s);
      per[String(id)] = ms;
      opts.onProgress?.({
        type: 'gather-end',
        id: String(id),
        title: g.title,
        ok: !isArtifactError(value),
        ms,
        ...(isArtifactError(value) ? { error: value.error.message } : {}),
      });
    })();
    pending.set(id, p);
    return p;
  };
  // Every artifact starts at once; dependencies are awaited inside. Concurrency of sockets is
  // limited inside src/net, not here, so a slow gatherer never holds up an independent one.
  // Exclusive gatherers (load tests) then run one at a time, alone.
  const exclusive = (id: ArtifactId) => !!opts.registry.gatherers.get(id)?.exclusive;
  const abort = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  const phases = async () => {
    await Promise.all(ids.filter((id) => !exclusive(id)).map(start));
    for (const id of ids.filter(exclusive)) {
      if (signal.aborted) return;
      await start(id);
    }
  };
  await Promise.race([phases(), abort]);
  const wall = Math.round(now() - t0);
  return { artifacts, gatherMs: { wall, sum: Object.values(per).reduce((a, b) => a + b, 0), per } };
}
