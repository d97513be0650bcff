/**
 * The audit and gatherer contracts (Lighthouse's split).
 *
 * - A gatherer does all I/O for one artifact kind and returns plain, serialisable data,
 *   or an `ArtifactError` instead of throwing.
 * - An audit is a pure function of the artifacts it declares in `meta.requiredArtifacts`:
 *   no I/O, no clock (use `ctx.now`), no randomness.
 */
import type { Artifacts } from '../gather/artifacts.js';
import type { LaunchreadyConfig } from '../config/schema.js';
import type { Net } from '../net/types.js';
import type { FindingDraft } from './types.js';

/** A gatherer failure, stored as data in place of the artifact. */
export interface ArtifactError {
  error: { code: string; message: string };
}

export function isArtifactError(v: unknown): v is ArtifactError {
  return typeof v === 'object' && v !== null && 'error' in v && Object.keys(v).length === 1;
}

export type ArtifactId = keyof Artifacts;

export interface AuditMeta<K extends ArtifactId = ArtifactId> {
  /** Audit id, usually the shared stem of the rules it emits (`tls-certificate`). */
  id: string;
  /** Rule ids this audit can emit (each must exist in the catalog). */
  emits: string[];
  /** Artifacts the engine must gather before running it. */
  requiredArtifacts: readonly K[];
  /** One-line description for `--help`-like listings. */
  description: string;
}

export interface AuditContext {
  config: LaunchreadyConfig;
  /** Time of the run (ms since epoch), injected: audits never read the clock. */
  now: number;
}

export interface AuditResult {
  findings: FindingDraft[];
  /** Targets examined (JUnit writes one testcase per emitted rule and target). */
  targets?: string[];
  /** The audit had nothing to look at (no such names configured...): reported as skipped. */
  notApplicable?: string;
  /** Metrics to merge into report.metrics (e.g. the domain map). */
  metrics?: Record<string, unknown>;
}

export interface Audit<K extends ArtifactId = ArtifactId> {
  meta: AuditMeta<K>;
  audit(artifacts: Pick<Artifacts, K>, ctx: AuditContext): AuditResult;
}

/** Helper so audit files get their artifact types checked: `export default defineAudit({...})`. */
export function defineAudit<K extends ArtifactId>(a: Audit<K>): Audit<K> {
  return a;
}

/** Progress sink for long work (gatherers report sub-steps through it). */
export interface Progress {
  update(message: string): void;
}

export interface GatherContext {
  config: LaunchreadyConfig;
  /** Directory of the config file (relative paths in config resolve from here). */
  baseDir: string;
  net: Net;
  signal: AbortSignal;
  progress: Progress;
  now(): number;
  /** Artifacts already gathered that this gatherer declared in `dependsOn`. */
  artifacts: Partial<Artifacts>;
}

export interface Gatherer<K extends ArtifactId = ArtifactId> {
  id: K;
  /** Human label for progress ("Resolving DNS names"). */
  title: string;
  /** Other artifacts that must be gathered first. */
  dependsOn?: ArtifactId[];
  /**
   * Runs alone, after every other gatherer has finished (load tests, health-endpoint timing):
   * latency measured while other probes hit the same servers would be polluted by them.
   */
  exclusive?: boolean;
  /** Returns the artifact, or an ArtifactError; never throws for expected failures. */
  gather(ctx: GatherContext): Promise<Artifacts[K] | ArtifactError>;
}

export function defineGatherer<K extends ArtifactId>(g: Gatherer<K>): Gatherer<K> {
  return g;
}
