/** Artifacts of the deploy family (stage 5), gathered by src/gather/{smoke,health,assets,ci,rollback}.ts. */
import type { HttpExchange } from '../../net/types.js';
import type { FlowResult } from '../../flow/types.js';

/** Results of every configured smoke flow (one run each). */
export interface SmokeArtifact {
  flows: FlowResult[];
}

/** One fetch of the configured health endpoint (body kept up to 8 KiB). */
export interface HealthArtifact {
  url: string;
  maxMs: number;
  exchange: HttpExchange;
}

export interface AssetCheck {
  url: string;
  kind: 'script' | 'style';
  status: number;
  contentType?: string;
  error?: string;
  ms: number;
  /** sha256 prefix (16 hex) of the first bytes served (up to the gatherer's cap); compared across releases. */
  digest?: string;
}

/** The previous release's assets of the same page, from the history DB (.launchready/history.db). */
export interface PreviousRelease {
  runId: number;
  /** startedAt of the last run that still saw that release (the deploy came after it). */
  lastSeenAt: string;
  assets: { url: string; kind: string; digest?: string }[];
  /** Its assets the page no longer references, fetched again now (bounded, in scope only). */
  rechecked: AssetCheck[];
}

/** The canonical page and every script/stylesheet it references (bounded). */
export interface AssetsArtifact {
  page: string;
  /** URL after redirects. */
  finalUrl: string;
  pageStatus: number;
  pageError?: string;
  assets: AssetCheck[];
  /** References not fetched: off-scope host, over the cap, unparsable URL. */
  skipped: { url: string; reason: string }[];
  /** Present when history holds an earlier release of this page with a different asset list. */
  previous?: PreviousRelease;
  /** The history DB exists but could not be read. */
  previousError?: string;
}

export type CiProvider = 'github-actions' | 'gitlab-ci' | 'circleci' | 'bitbucket-pipelines' | 'buildkite';

export interface CiFile {
  /** Repo-relative path. */
  path: string;
  provider: CiProvider;
  /** Runs a clean dependency install (npm ci, pnpm install --frozen-lockfile, pip install -r, ...). */
  install: boolean;
  /** Runs a build (npm run build, tsc, docker build, go build, ...). */
  build: boolean;
  parseError?: string;
}

/** CI configuration files found in config.repo.path. */
export interface CiArtifact {
  root: string;
  files: CiFile[];
}

/** Where rollback steps are written down. */
export interface RollbackArtifact {
  /** config handover.rollback. */
  configSteps: string[];
  /** Repo-relative files documenting rollback (ROLLBACK.md, docs/rollback*, a "Rollback" heading in README/DEPLOY docs). */
  docs: string[];
  /** False when no repo is configured (only the config was consulted). */
  repoChecked: boolean;
}
