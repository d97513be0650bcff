/**
 * Every artifact kind, in one place, one line of comment each.
 * An artifact is plain serialisable data produced by one gatherer (src/gather/<id>.ts).
 * Families add their artifacts here (keep the list sorted by stage).
 */
import type { DnsAnswer, HttpExchange, TlsSummary } from '../net/types.js';
import type { AssetsArtifact, CiArtifact, HealthArtifact, RollbackArtifact, SmokeArtifact } from '../audits/deploy/artifact.js';
import type { PagesArtifact } from './pages.js';
import type { EmailPosture } from '../audits/email/artifact.js';
import type { MigrationLintResult } from '../migrations/types.js';
import type { DatabaseArtifact, QueryProfileArtifact } from '../db/types.js';
import type { MonitorArtifact } from '../audits/monitor/artifact.js';
import type { SecurityArtifact } from '../probe/types.js';
import type { EnvFilesArtifact, LogsArtifact, SecretsArtifact } from '../secrets/types.js';
import type { PerfArtifact, RouteProbesArtifact } from '../audits/perf/artifact.js';
import type { HandoverArtifact } from '../handover/types.js';

/** The production names to check: apex, www, declared subdomains (lower case, no trailing dot). */
export interface NameTargets {
  apex: string | null;
  canonical: string | null;
  names: { name: string; role: 'apex' | 'www' | 'subdomain' }[];
  staging: string[];
}

/** DNS facts for one name: the CNAME chain hop by hop and the final addresses. */
export interface DnsNameInfo {
  name: string;
  /** CNAME hops in order, each `{from, to}`. */
  cnameChain: { from: string; to: string }[];
  /** Name the chain ends at. */
  finalName: string;
  a: DnsAnswer;
  aaaa: DnsAnswer;
  /** Addresses of the final name (A and AAAA). */
  addresses: string[];
  /** Raw CAA answer for the name's zone apex (only for the apex). */
  caa?: DnsAnswer;
}

/**
 * Zone-level DNS facts (src/gather/dns.ts `zoneGatherer`): NS and SOA of the apex, the declared
 * staging hosts resolved (to spot a production name sharing their address), reverse DNS of every
 * production address (hosting provider hints).
 */
export interface ZoneFacts {
  apex: string | null;
  ns?: DnsAnswer;
  soa?: DnsAnswer;
  /** Declared staging entries that are host names (not patterns, not addresses), resolved. */
  staging: DnsNameInfo[];
  /** address -> PTR names (empty when none or the query failed). */
  ptr: Record<string, string[]>;
}

/** TLS summary of one name plus which legacy protocol versions it accepts (src/gather/tls.ts). */
export interface TlsNameSummary extends TlsSummary {
  /** Undefined when legacy handshakes were not attempted. */
  legacy?: {
    tls1_0: boolean;
    tls1_1: boolean;
    /** Failures other than a refused handshake (timeouts, resets), by version. */
    errors?: Record<string, string>;
  };
}

/** Registration data of the apex from RDAP (RFC 9083), src/gather/rdap.ts. */
export interface RdapFacts {
  domain: string;
  /** URL queried. */
  url: string;
  /** HTTP status of the answer (404: the registry does not know the domain). */
  status: number;
  /** ISO 8601 from events[eventAction=expiration]. */
  expiresAt?: string;
  registeredAt?: string;
  registrar?: string;
  /** RDAP status values (e.g. "client transfer prohibited"). */
  domainStatus?: string[];
  nameservers?: string[];
  /** Set when the answer could not be used (not JSON, network failure...). */
  problem?: string;
}

/** How one name answers over HTTP and HTTPS, redirects followed (in scope only). */
export interface EdgeProbe {
  name: string;
  http: HttpExchange;
  https: HttpExchange;
  /** When https:// of the root redirects: that first response itself (HSTS must be on the apex redirect too). */
  httpsFirstHop?: { status: number; headers: Record<string, string | string[]> };
  /** When the root redirects: `/launchready-probe?x=1` fetched the same way (are path and query kept?). */
  pathProbe?: { http?: HttpExchange; https?: HttpExchange };
}

export interface Artifacts {
  /** Names derived from config.domains (no I/O; gathered so audits can require it). */
  targets: NameTargets;
  /** DNS resolution of every target name. */
  dns: DnsNameInfo[];
  /** http:// and https:// fetch of every name that resolves. */
  edge: EdgeProbe[];
  /** HTML of the canonical page, each name's root and domains.pages, with static assets found in it (src/gather/pages.ts). */
  pages: PagesArtifact;
  /** TLS handshake summary of every name on 443 (or the port in connectTo). */
  tls: TlsNameSummary[];
  /** NS/SOA of the apex, staging hosts resolved, PTR of production addresses (stage 2). */
  zone: ZoneFacts;
  /** Registration of the apex through RDAP at config domains.rdap (stage 2). */
  rdap: RdapFacts;
  /** SPF/DKIM/DMARC/MX/MTA-STS posture of config.email.domain (stage 3). */
  email: EmailPosture;
  /** Migration linter result for config.database.migrations (src/gather/migrations.ts). */
  migrations: MigrationLintResult;
  /** Secrets in the working tree, git history and built bundles (src/gather/secrets.ts). */
  secrets: SecretsArtifact;
  /** Parsed .env files, values masked and hashed, never stored (src/gather/envfiles.ts). */
  envFiles: EnvFilesArtifact;
  /** Secrets and personal data found in log files (src/gather/logs.ts). */
  logs: LogsArtifact;
  /** Database statistics, roles and schema facts for config.database.url (src/gather/database.ts). */
  database: DatabaseArtifact;
  /** Statements per request of each GET route, from pg_stat_statements snapshots (src/gather/query-profile.ts). */
  queryProfile: QueryProfileArtifact;
  /** Load-test results per configured route (src/gather/perf.ts). */
  perf: PerfArtifact;
  /** One plain request per route, plus no-limit/limit=1/large-page probes of list routes (src/gather/lists.ts). */
  routeProbes: RouteProbesArtifact;
  /** CORS, rate-limit, admin, payload, cookie and prompt-injection probes of config.security (src/gather/security.ts). */
  security: SecurityArtifact;
  /** Results of the configured smoke flows (src/gather/smoke.ts). */
  smoke: SmokeArtifact;
  /** One fetch of config.health.url (src/gather/health.ts). */
  health: HealthArtifact;
  /** Scripts and stylesheets referenced by the canonical page, each fetched (src/gather/assets.ts). */
  assets: AssetsArtifact;
  /** CI configuration files in config.repo.path and whether they install and build (src/gather/ci.ts). */
  ci: CiArtifact;
  /** Rollback steps in config.handover and rollback docs in the repo (src/gather/rollback.ts). */
  rollback: RollbackArtifact;
  /** Monitor config summary and error-tracking evidence from the repo (src/gather/monitor.ts, stage 6). */
  monitor: MonitorArtifact;
  /** Facts for the handover pack: env var names, SDKs and services, CI, email records (src/gather/handover.ts, stage 7). */
  handover: HandoverArtifact;
}
