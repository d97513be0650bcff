/**
 * The finding and report model: the contract users and scripts rely on
 * (see ARCHITECTURE.md "Contract that users (and scripts) rely on").
 * Nothing in this file does I/O.
 */

/** Severity of a finding, most severe first. `info` never affects the verdict. */
export type Severity = 'blocker' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['blocker', 'high', 'medium', 'low', 'info'] as const;

/** `--fail-on` threshold: a severity, or `never`. */
export type FailOn = Exclude<Severity, 'info'> | 'never';

/** The seven launch stages (1 quick audit ... 7 handover). */
export type Stage = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const STAGES: readonly Stage[] = [1, 2, 3, 4, 5, 6, 7] as const;
export const STAGE_NAMES: Record<Stage, string> = {
  1: 'quick audit',
  2: 'domain and edge',
  3: 'security baseline',
  4: 'backend performance',
  5: 'production deployment',
  6: 'monitoring',
  7: 'handover',
};

/** Rank for sorting: lower is more severe. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** True when `s` is at or above the `failOn` threshold. */
export function meetsThreshold(s: Severity, failOn: FailOn): boolean {
  if (failOn === 'never' || s === 'info') return false;
  return severityRank(s) <= severityRank(failOn);
}

/** A rule of the catalog: data, never code. Wording lives here, not in audits. */
export interface RuleDef {
  /** `family/kebab-name`, stable forever. */
  id: string;
  stage: Stage;
  /** Default severity; users override per rule in config. */
  severity: Severity;
  /** Short title shown when the rule fires ("HSTS header missing"). */
  title: string;
  /** Why it matters, one or two sentences. */
  why: string;
  /** How to fix, one or two concrete sentences. */
  remediation: string;
  /** Optional note on why the default severity differs from CATALOG.md, or on graded severities. */
  severityNote?: string;
}

/** A file position, for findings about files (SARIF puts them inline). 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** What an audit emits: the rule id plus what is specific to this occurrence. */
export interface FindingDraft {
  rule: string;
  /** Host, URL, file or table it concerns. */
  target: string;
  /** Small, structured, secrets redacted. */
  evidence?: Record<string, unknown>;
  /** Severity when the rule grades it (e.g. tls/expiring-soon medium within 30 days). */
  severity?: Severity;
  location?: SourceLocation;
  /** Replaces the rule's remediation when the fix is specific (the exact record to publish). */
  remediation?: string;
  /** Stable identity across runs; defaults to sha256(rule + target + location.file). */
  key?: string;
}

/** A finding as it appears in reports. */
export interface Finding {
  id: string;
  stage: Stage;
  severity: Severity;
  title: string;
  target: string;
  evidence: Record<string, unknown>;
  remediation: string;
  /** Anchor in docs/rules.md, e.g. `docs/rules.md#edgehsts-missing`. */
  docs: string;
  location?: SourceLocation;
  /** Stable identity used by baselines and history (hash, not line number). */
  fingerprint: string;
  /** Set when the user accepted the risk (handover issue). */
  deferred?: { reason: string; by?: string; until?: string };
}

export type Verdict = 'not-ready' | 'ready-with-risks' | 'ready';

/** One step of the launch sequence. */
export interface LaunchStep {
  order: number;
  stage: Stage;
  findingIds: string[];
  summary: string;
  /** Highest severity in the step. */
  severity: Severity;
  /** Fingerprints of the findings in this step (ids repeat across targets). */
  fingerprints: string[];
}

/** A rule that was selected but could not be checked (its input failed, or nothing to check). */
export interface Skipped {
  id: string;
  reason: string;
}

/** A rule checked against a target (JUnit writes one testcase per entry). */
export interface CheckedTarget {
  rule: string;
  target: string;
}

export interface BaselineDiff {
  /** Path of the baseline report. */
  path: string;
  newFindings: string[];
  fixedFindings: { id: string; target: string; fingerprint: string; severity: Severity }[];
  unchanged: number;
  metricDeltas: { name: string; before: number; after: number; unit?: string }[];
}

/** The report JSON (`--format json`): schemaVersion 1. */
export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  config: { path: string | null };
  verdict: Verdict;
  score: { overall: number; stages: Record<`${Stage}`, number | null> };
  findings: Finding[];
  /** Rule ids checked and clean. */
  passed: string[];
  skipped: Skipped[];
  launchSequence: LaunchStep[];
  /** Free-form numeric and structured metrics (gather timings, latency histograms, domain map...). */
  metrics: Record<string, unknown>;
  /** Rule checks per target (for JUnit); absent in reports from older versions. */
  checked?: CheckedTarget[];
  /** Present when an earlier run of the same config is in the history store. */
  sinceLastRun?: {
    runId: number;
    at: string;
    newFindings: number;
    fixedFindings: number;
    deltas: { name: string; before: number; after: number; unit?: string }[];
  };
  /** Present when `--baseline` was given. */
  baseline?: BaselineDiff;
  /** Errors of individual audits (the run went on). */
  errors?: { audit: string; message: string }[];
}
