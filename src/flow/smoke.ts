/**
 * Running the configured flows: shared by the `smoke` gatherer (audit) and `launchready smoke`
 * (smokeCommandCore, wired by the CLI). `--repeat N` and `--parallel` hunt flaky paths.
 */
import type { LaunchreadyConfig } from '../config/schema.js';
import type { FindingDraft } from '../core/types.js';
import { UsageError } from '../core/errors.js';
import type { Net } from '../net/types.js';
import { createScopeGuard } from '../net/scope.js';
import { mapLimit } from '../gather/limit.js';
import { smokeFindings } from '../audits/deploy/smoke-failed.js';
import { runFlow, type FlowLimits } from './engine.js';
import { loadFlows } from './load.js';
import type { Flow, FlowResult, StepResult } from './types.js';
import { openMailbox, type Mailbox } from './mail.js';

export const MAX_REPEAT = 100;

export interface SmokeOptions {
  /** Flow names to run (default: all). */
  flows?: string[];
  /** Run each flow this many times (1..100). */
  repeat?: number;
  /** Run the repeats and flows concurrently (at most network.concurrency at once). */
  parallel?: boolean;
  /** Directory of the config file (flowFiles resolve from it); default cwd. */
  baseDir?: string;
  signal?: AbortSignal;
  now?: () => number;
  onStep?: (flow: string, step: StepResult) => void;
  limits?: Partial<FlowLimits>;
  /** Mailbox for waitForEmail steps; default: config `mailbox`, opened only when a selected flow has an email step and closed afterwards. */
  mailbox?: Mailbox;
}

export interface SmokeOutcome {
  results: FlowResult[];
  /** deploy/smoke-failed drafts, one per failing flow (same as the audit emits). */
  findings: FindingDraft[];
  /** config handover.rollback, to print after a failed run. */
  rollback: string[];
  ok: boolean;
}

/** Hosts flows may reach: the configured production names, the canonical host and each flow's base. */
export function smokeScopeHosts(config: LaunchreadyConfig, flows: Flow[]): string[] {
  const d = config.domains;
  const hosts: string[] = [];
  if (d) {
    hosts.push(d.apex, `www.${d.apex}`, ...d.subdomains.map((s) => (s.includes('.') ? s : `${s}.${d.apex}`)));
    if (d.canonical) hosts.push(new URL(d.canonical).host);
  }
  for (const f of flows) {
    if (f.baseUrl) hosts.push(new URL(f.baseUrl).host);
    for (const s of [...f.steps, ...(f.cleanup ?? [])]) {
      const m = /^https?:\/\/([^/{]+)(?:\/|$)/i.exec(s.url ?? '');
      if (m) hosts.push(m[1]!);
    }
  }
  if (config.health && /^https?:/i.test(config.health.url)) hosts.push(new URL(config.health.url).host);
  return [...new Set(hosts)];
}

/** Loads, selects and runs the flows. Throws ConfigError (bad flows) or UsageError (unknown flow name). */
export async function runSmoke(config: LaunchreadyConfig, net: Net, o: SmokeOptions = {}): Promise<FlowResult[]> {
  const all = await loadFlows(config, o.baseDir ?? process.cwd());
  let flows = all;
  if (o.flows && o.flows.length) {
    const unknown = o.flows.filter((n) => !all.some((f) => f.name === n));
    if (unknown.length) throw new UsageError(`unknown flow ${unknown.map((n) => `"${n}"`).join(', ')} (configured: ${all.map((f) => f.name).join(', ') || 'none'})`);
    flows = all.filter((f) => o.flows!.includes(f.name));
  }
  const repeat = o.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) throw new UsageError(`--repeat must be 1..${MAX_REPEAT}, got ${repeat}`);
  const scope = createScopeGuard(smokeScopeHosts(config, flows));
  const jobs = flows.flatMap((f) => Array.from({ length: repeat }, () => f));
  const needsMail = flows.some((f) => [...f.steps, ...(f.cleanup ?? [])].some((s) => s.waitForEmail));
  const mailbox = o.mailbox ?? (needsMail ? await openMailbox(config.mailbox) : undefined);
  const run = (f: Flow) =>
    runFlow(f, {
      ...(mailbox ? { mailbox } : {}),
      baseDir: o.baseDir ?? process.cwd(),
      http: net.http,
      ...(f.baseUrl ?? config.domains?.canonical ? { baseUrl: f.baseUrl ?? config.domains!.canonical! } : {}),
      scope,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.now ? { now: o.now } : {}),
      ...(o.onStep ? { onStep: (s: StepResult) => o.onStep!(f.name, s) } : {}),
      limits: { stepTimeoutMs: config.network.timeoutMs, ...o.limits },
    });
  try {
    return await mapLimit(jobs, o.parallel ? config.network.concurrency : 1, run);
  } finally {
    if (mailbox && !o.mailbox) await mailbox.close();
  }
}

/** `launchready smoke [flow...]`: results, finding drafts and the rollback steps to show on failure. */
export async function smokeCommandCore(config: LaunchreadyConfig, net: Net, o: SmokeOptions = {}): Promise<SmokeOutcome> {
  const results = await runSmoke(config, net, o);
  const findings = smokeFindings(results);
  return { results, findings, rollback: config.handover?.rollback ?? [], ok: results.every((r) => r.ok) };
}
