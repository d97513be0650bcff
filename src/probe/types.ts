/**
 * The `security` artifact: what the stage-3 probes sent and what came back, redacted and bounded.
 * Gathered by src/gather/security.ts (through src/probe/run.ts); audited by src/audits/security/*.
 * Bodies are kept as short snippets (enough for stack-trace and login-form detection); cookie
 * values and the session request body are never stored.
 */

/** A request a probe sent, or would send (skipped / dry run). */
export interface PlannedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Body size in bytes (0 when none). */
  bodyBytes: number;
  /** First 200 characters of the body (never for the session login, whose body holds credentials). */
  bodyPreview?: string;
  /** How many times it is sent (bursts). */
  count: number;
}

/** One request/response pair, bounded and redacted. */
export interface ProbeExchange {
  method: string;
  url: string;
  /** Request headers the probe chose (Origin, Content-Type...), without cookies. */
  requestHeaders: Record<string, string>;
  requestBytes: number;
  /** 0 when no response arrived (see error). */
  status: number;
  /** Response headers, lower case; set-cookie values replaced by `<redacted>`. */
  headers: Record<string, string | string[]>;
  /** First SNIPPET_BYTES of the response body. */
  body: string;
  bodyBytes: number;
  remoteAddress?: string;
  elapsedMs: number;
  error?: { code: string; message: string };
}

export type CorsOriginKind = 'foreign' | 'null' | 'lookalike-suffix' | 'lookalike-prefix' | 'subdomain';

export interface CorsProbe {
  /** API base URL probed. */
  base: string;
  origin: string;
  kind: CorsOriginKind;
  /** The origin matches security.allowedOrigins (reflection is then expected). */
  allowed: boolean;
  simple: ProbeExchange;
  preflight: ProbeExchange;
}

export type LimitSignal = 'status-429' | 'status-423' | 'retry-after' | 'ratelimit-header' | 'lockout-message' | 'challenge';

export interface BurstResult {
  role: 'login' | 'signup' | 'reset' | 'search';
  url: string;
  method: string;
  /** Requests actually sent. */
  sent: number;
  /** Configured burst size and window. */
  burst: number;
  windowMs: number;
  /** Status code -> count ("0" = no response). */
  statuses: Record<string, number>;
  /** 1-based index of the first response that showed a limit. */
  limitedAt?: number;
  signal?: LimitSignal;
  /** Why the burst ended. */
  stoppedBy: 'limited' | 'count' | 'time' | 'error' | 'aborted';
  elapsedMs: number;
  /** The last response (or the limiting one), for evidence. */
  last?: ProbeExchange;
  /** Where the endpoint came from when not security.endpoints: `flow signup-login, step login`. */
  source?: string;
}

/**
 * Per-account lockout versus per-IP limit (security.lockout): the same login endpoint burst twice,
 * first with one account in every request, then with a fresh throwaway account per request.
 * The audit reads the two bursts (the first limited and the second not: per account; the second
 * limited: per IP).
 */
export interface LockoutProbe {
  url: string;
  method: string;
  /** The account of the one-account burst, masked (`qa…@example.com`). */
  account: string;
  attempts: number;
  oneAccount: BurstResult;
  rotating: BurstResult;
}

/** One GraphQL candidate: `{__typename}` to recognise it, then (when it is GraphQL) the introspection query, anonymously. */
export interface GraphqlProbe {
  url: string;
  source: 'config' | 'common';
  /** The `{__typename}` query answered `data`. */
  isGraphql: boolean;
  detect: ProbeExchange;
  introspection?: ProbeExchange;
  /** What the introspection answer revealed (parsed from up to INTROSPECTION_MAX_BYTES). */
  schema?: { typeCount: number; queryType: string | null; mutationType: string | null; subscriptionType: string | null; sampleTypes: string[] };
}

export interface AdminProbe {
  url: string;
  as: 'anonymous' | 'user';
  /** Configured in security.admin, or a common path tried on an API host. */
  source: 'config' | 'common';
  exchange: ProbeExchange;
  /** What an unknown path on the same origin answers (to recognise catch-all SPA routes). */
  notFound?: { status: number; bodyBytes: number; bodyHash: string };
  bodyHash: string;
}

export type PayloadKind = 'oversized' | 'malformed-json' | 'wrong-content-type' | 'deep-nesting' | 'proto-key';

export interface PayloadProbe {
  kind: PayloadKind;
  url: string;
  /** security.bodyLimitBytes (oversized only). */
  limit?: number;
  exchange: ProbeExchange;
}

export interface CookieSeen {
  /** URL whose response set it. */
  url: string;
  name: string;
  valueBytes: number;
  /** Value looks like a random token (long, high entropy). */
  valueRandom: boolean;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | null;
  path: string | null;
  domain: string | null;
}

export type AiAttack = 'instruction-override' | 'canary-extraction' | 'markdown-exfiltration';

export interface AiProbe {
  url: string;
  attack: AiAttack;
  /** Marker the attack asks the model to output (override) or the exfiltration host. */
  marker: string;
  canaryLeaked: boolean;
  markerFollowed: boolean;
  exchange: ProbeExchange;
}

export interface SkippedProbe {
  probe: 'rate-limit' | 'lockout' | 'oversized-body' | 'malformed-input' | 'admin-as-user' | 'prompt-injection' | 'all';
  target: string;
  reason: string;
  requests: PlannedRequest[];
}

export interface SecurityArtifact {
  /** Hosts (host or host:port) the probes may reach. */
  scope: string[];
  dryRun: boolean;
  /** Hosts on which active probes ran (loopback, or --active / active: true). */
  activeHosts: string[];
  cors: CorsProbe[];
  bursts: BurstResult[];
  admin: AdminProbe[];
  payloads: PayloadProbe[];
  cookies: CookieSeen[];
  ai: AiProbe[];
  /** Canary configured (the audits only learn whether it leaked, never the value). */
  aiCanaryConfigured: boolean;
  /** Redirects to hosts outside the scope: reported, never followed. */
  offScope: { from: string; to: string }[];
  /** Every other exchange (session login, base pages) kept for error-leak and cookie checks. */
  other: ProbeExchange[];
  skipped: SkippedProbe[];
  /** Requests sent in all (bounded). */
  requestsSent: number;
  /** Per-account versus per-IP limit on login, when security.lockout is set and active probes may run. */
  lockout?: LockoutProbe;
  /** GraphQL candidates probed (security.graphql, and /graphql on each API base with discoverAdmin). */
  graphql?: GraphqlProbe[];
}
