/**
 * The 48-hour launch sprint as data: the five delivery blocks, which rule families each block
 * owns, a rough effort per rule, and which fixes must come before which. Pure data; build.ts
 * turns a report into the plan with it. Effort is a first guess for one engineer who knows the
 * stack: minutes for the first target, plus a quarter for each further target (at most 3x).
 */

export interface BlockDef {
  id: 'A' | 'B' | 'C' | 'D' | 'E';
  /** Hours of the sprint, e.g. "1-4". */
  hours: string;
  /** Length of the block in hours (the plan warns when its work exceeds it). */
  length: number;
  title: string;
  /** Rule id prefixes (families) the block owns. */
  families: string[];
  /** What the block delivers besides fixing findings (always listed). */
  deliverables: string[];
}

export const BLOCKS: readonly BlockDef[] = [
  {
    id: 'A',
    hours: '1-4',
    length: 4,
    title: 'Audit and launch blockers: security, performance, database',
    families: ['security', 'perf', 'db'],
    deliverables: ['Run `launchready audit` against production (or staging with production DNS) and share the report', 'Agree which findings are blockers and who fixes each'],
  },
  {
    id: 'B',
    hours: '4-12',
    length: 8,
    title: 'DNS, redirects, TLS, subdomains and the edge',
    families: ['dns', 'edge', 'tls', 'headers'],
    deliverables: ['Domain map checked: every name resolves where it should, one canonical URL wins'],
  },
  {
    id: 'C',
    hours: '12-24',
    length: 12,
    title: 'Secrets and email authentication',
    families: ['secrets', 'env', 'logs', 'email'],
    deliverables: ['Every exposed credential rotated; SPF, DKIM and DMARC aligned for every sending provider'],
  },
  {
    id: 'D',
    hours: '24-36',
    length: 12,
    title: 'Safe production deploy: smoke tests, migrations, rollback notes',
    families: ['deploy', 'migrations'],
    deliverables: ['A release deployed with `launchready smoke` passing after it', 'Rollback steps rehearsed once on staging'],
  },
  {
    id: 'E',
    hours: '36-48',
    length: 12,
    title: 'Monitoring and handover',
    families: ['monitor', 'handover'],
    deliverables: ['`launchready monitor` running with alerts reaching two channels', '`launchready handover` pack written and reviewed with the incident owner'],
  },
];

/** Minutes for the first target of a rule of this family. */
export const FAMILY_EFFORT: Record<string, number> = {
  security: 90,
  perf: 180,
  db: 60,
  dns: 20,
  edge: 30,
  tls: 30,
  headers: 30,
  secrets: 45,
  env: 20,
  logs: 60,
  email: 30,
  deploy: 60,
  migrations: 45,
  monitor: 30,
  handover: 20,
};

/** Per-rule effort where it differs from the family's. */
export const RULE_EFFORT: Record<string, number> = {
  'dns/caa-missing': 10,
  'dns/dangling-cname': 10,
  'dns/domain-expiring': 15,
  'tls/expired': 30,
  'tls/untrusted-chain': 20,
  'tls/legacy-protocol': 20,
  'edge/hsts-missing': 15,
  'edge/hsts-weak': 10,
  'edge/temporary-redirect': 10,
  'edge/no-edge-protection': 120,
  'headers/csp-missing': 90,
  'headers/csp-weak': 60,
  'secrets/history-secret': 60,
  'secrets/bundle-secret': 60,
  'email/dmarc-policy-none': 15,
  'email/dmarc-no-reports': 10,
  'email/mta-sts-missing': 45,
  'email/tls-rpt-missing': 10,
  'security/no-rate-limit': 60,
  'security/insecure-cookie': 30,
  'security/stack-trace-exposed': 45,
  'security/prompt-injection': 240,
  'perf/n-plus-one': 120,
  'perf/too-many-queries': 120,
  'perf/unbounded-list': 90,
  'perf/no-compression': 20,
  'perf/uncached-read': 45,
  'db/missing-fk-index': 15,
  'db/unused-index': 15,
  'db/duplicate-index': 10,
  'db/superuser-app-role': 45,
  'deploy/no-rollback-path': 45,
  'deploy/no-ci-build': 90,
  'deploy/stale-assets': 60,
  'monitor/no-uptime-checks': 45,
  'monitor/no-slo': 20,
  'handover/incomplete': 30,
};

/**
 * Rule (or family prefix ending in `/`) -> rules or prefixes that must be fixed first when they
 * are in the plan too. The reasons are the dependencies a launch engineer sees in practice.
 */
export const AFTER: Record<string, string[]> = {
  // Certificates are issued for names that resolve to the right place.
  'tls/': ['dns/unresolved', 'dns/dangling-cname', 'dns/points-to-staging'],
  // Redirect and HSTS work needs working HTTPS first; HSTS pins whatever TLS is there.
  'edge/http-not-redirected': ['tls/expired', 'tls/hostname-mismatch', 'tls/untrusted-chain'],
  'edge/hsts-missing': ['edge/http-not-redirected', 'tls/expired', 'tls/hostname-mismatch', 'tls/untrusted-chain', 'edge/redirect-loop'],
  'edge/hsts-weak': ['edge/http-not-redirected', 'tls/expired', 'tls/hostname-mismatch', 'tls/untrusted-chain'],
  'edge/duplicate-host': ['dns/unresolved', 'edge/http-not-redirected'],
  'edge/redirect-chain': ['edge/duplicate-host', 'edge/http-not-redirected'],
  'edge/mixed-content': ['tls/expired', 'tls/untrusted-chain'],
  // Tighten DMARC only once every provider aligns.
  'email/dmarc-policy-none': ['email/spf-missing', 'email/spf-invalid', 'email/spf-too-many-lookups', 'email/dkim-missing', 'email/provider-misaligned', 'email/dmarc-no-reports'],
  'email/mta-sts-testing': ['email/mta-sts-invalid', 'email/mx-missing'],
  // Rotate a leaked credential before cleaning the files that held it.
  'env/dotenv-committed': ['secrets/committed-secret', 'secrets/history-secret'],
  'env/shared-secret': ['secrets/committed-secret'],
  // Deploy safely only with a way back.
  'deploy/smoke-failed': ['deploy/no-rollback-path', 'migrations/irreversible'],
  'deploy/stale-assets': ['deploy/no-rollback-path'],
  'migrations/': ['deploy/no-rollback-path'],
  // Escalation needs a second channel and a check to escalate.
  'monitor/no-escalation': ['monitor/single-channel', 'monitor/no-uptime-checks'],
  'monitor/no-slo': ['monitor/no-uptime-checks'],
  'monitor/channel-unreachable': ['monitor/single-channel'],
  // The pack is written last, from the fixed state.
  'handover/incomplete': ['handover/no-incident-owner', 'handover/service-without-owner', 'monitor/', 'deploy/no-rollback-path'],
  // Query-count fixes come before re-measuring latency budgets.
  'perf/read-over-budget': ['perf/n-plus-one', 'perf/too-many-queries', 'perf/unbounded-list', 'db/missing-fk-index', 'db/seq-scan-hotspot'],
  'perf/write-over-budget': ['perf/n-plus-one', 'perf/too-many-queries', 'db/missing-fk-index'],
};
