/**
 * Types of the secret scanner: rules (data), raw hits (never holding the secret) and the
 * artifacts the `secrets`, `envFiles` and `logs` gatherers produce.
 */

/** One detector, gitleaks style: data plus its own labelled samples. */
export interface SecretRule {
  /** Stable id, kebab case (`stripe-secret-key`). */
  id: string;
  /** Provider name shown to users (`Stripe`). */
  provider: string;
  /** Token kind (`secret key`). */
  kind: string;
  /** Family for the recall/precision table (`cloud`, `payments`...). */
  family: RuleFamily;
  /** Must carry the `g` flag. The secret is `secretGroup` (default: whole match). */
  regex: RegExp;
  /** Lower-case literals, one of which must occur in the text before the regex runs. */
  keywords: string[];
  /** Minimum Shannon entropy (bits per char) of the secret. */
  entropy?: number;
  /** Capture group holding the secret; 0 or absent = whole match. */
  secretGroup?: number;
  /** Capture group holding the variable name (generic rules inspect it). */
  nameGroup?: number;
  allow?: {
    /** Secrets containing one of these (lower-case) never fire. */
    stopwords?: string[];
    /** Secrets matching one of these never fire. */
    values?: RegExp[];
    /** Variable names matching one of these never fire (generic rules). */
    names?: RegExp[];
    /** Files matching one of these are ignored for this rule. */
    paths?: RegExp[];
  };
  /** Extra structural check on the secret (e.g. a JWT whose payload says service_role). */
  verify?: (secret: string) => boolean;
  /**
   * Matches span lines (PEM blocks): the regex sees this many characters after each keyword
   * instead of the keyword's line and the next (see detect.ts).
   */
  window?: number;
  /** Generic rules lose to a specific rule that hits the same span. */
  generic?: boolean;
  /** Test/sandbox credential: reported, but at a lower severity. */
  testKey?: boolean;
  /** Designed to be public in browser code (referrer-restricted API keys): no bundle/browser finding. */
  browserSafe?: boolean;
  /** Provider's page for rotating / revoking this credential ('' when none). */
  rotateUrl: string;
  /** Variable name the corpus test uses when it places samples in files. */
  sampleKey?: string;
  /** True-positive samples, generated in code in the provider's documented format. */
  tp: string[];
  /** Look-alikes that must not fire. */
  fp: string[];
}

export type RuleFamily =
  | 'cloud'
  | 'payments'
  | 'code-hosts'
  | 'messaging'
  | 'ai'
  | 'auth'
  | 'infra'
  | 'private-keys'
  | 'databases'
  | 'generic';

/** A detector hit. Holds a fingerprint and at most the first 4 characters, never the secret. */
export interface RawHit {
  rule: string;
  provider: string;
  kind: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  /** sha256(rule + file + secret), 16 hex chars: stable across edits that move the line. */
  fingerprint: string;
  /** sha256(secret), 16 hex chars: correlates one secret across files, history and envs. */
  secretHash: string;
  /** First 4 characters + '…'. */
  redacted: string;
  length: number;
  testKey?: boolean;
  browserSafe?: boolean;
  /** Found by decoding a base64 / hex string literal of a bundle (the position is the literal's). */
  encoding?: 'base64' | 'hex';
}

/** A file (or blob) that was not scanned, and why. */
export interface SkippedFile {
  path: string;
  reason: 'binary' | 'too-large' | 'symlink' | 'unreadable' | 'not-a-file' | 'submodule';
  detail?: string;
}

/** Where a hit lives in the working tree. */
export interface TreeHit extends RawHit {
  /** Tracked by git (false: untracked but not ignored; null: not a git repo). */
  tracked: boolean | null;
  /** Looks like a test fixture (test/, __tests__, fixtures, *.test.*): severity is lowered, not hidden. */
  fixture: boolean;
}

/** A hit in git history, mapped back to the commit that first added the blob. */
export interface HistoryHit extends RawHit {
  blob: string;
  commit: string | null;
  author: string | null;
  date: string | null;
}

export interface ScanStats {
  files: number;
  bytes: number;
  skipped: SkippedFile[];
  /** Count of skipped entries by reason (skipped[] is capped). */
  skippedByReason: Record<string, number>;
}

/** The `secrets` artifact. */
export interface SecretsArtifact {
  root: string;
  isGitRepo: boolean;
  /** The repository is a shallow clone: history before the graft is not scanned. */
  shallow: boolean;
  worktree: ScanStats & { hits: TreeHit[] };
  bundles: ScanStats & { hits: TreeHit[] };
  /** Absent when history scanning is off or the directory is not a git repo. */
  history?: ScanStats & { hits: HistoryHit[]; blobs: number; commits: number };
  /** Hits that matched the baseline file (accepted) and were removed. */
  baselined: number;
  /** Fingerprints in the loaded baseline (0 when none). */
  baselineSize: number;
  durationMs: number;
}

/** One parsed dotenv entry: never the value itself. */
export interface EnvEntry {
  key: string;
  empty: boolean;
  length: number;
  /** sha256(value) prefix, to compare values across environments. */
  valueHash: string;
  /** Display form: short non-secret values as is, otherwise first 4 chars + '…'. */
  masked: string;
  /** Detector rule the value matches, if any. */
  secretRule?: string;
  /** The rule is safe in browsers by design (referrer-restricted API key). */
  browserSafe?: boolean;
  /** Name or value says "secret" (detector hit, or secret-like name with a high-entropy value). */
  looksSecret: boolean;
  /** URL scheme of the value (lower case, without `:`), when it is a URL. */
  scheme?: string;
  /** Host of a URL / host:port value (lower case). */
  host?: string;
  /** Host is localhost / 127.0.0.0/8 / ::1 / 0.0.0.0. */
  localhost: boolean;
  line: number;
}

export interface EnvFileInfo {
  /** Path relative to the scanned directory. */
  path: string;
  /** Environment name (`production`, `staging`, `development`, `default`, `example`...). */
  env: string;
  isExample: boolean;
  /** Tracked by git (null: not a git repo). */
  tracked: boolean | null;
  entries: EnvEntry[];
  parseError?: string;
}

/** The `envFiles` artifact. */
export interface EnvFilesArtifact {
  dir: string;
  files: EnvFileInfo[];
  /** Required keys from config.env.required. (.env.example keys are read from `files`.) */
  required: string[];
}

export type PiiKind = 'email' | 'phone' | 'card' | 'password' | 'authorization';

export interface LogFileInfo {
  path: string;
  bytes: number;
  lines: number;
  gzip: boolean;
  secretHits: RawHit[];
  pii: Record<PiiKind, number>;
  /** A few masked samples per kind. */
  samples: { kind: PiiKind; line: number; masked: string }[];
}

/** The `logs` artifact. */
export interface LogsArtifact {
  files: LogFileInfo[];
  skipped: SkippedFile[];
}
