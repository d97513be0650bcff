/**
 * Report builders for reporter tests (and anyone else who needs a realistic Report):
 * `sampleReport()` covers every stage and severity, a file finding with a location, hostile
 * evidence (HTML/attribute injection and an ANSI escape), a latency histogram, a baseline,
 * "since last run", skipped checks and audit errors. `emptyReport()` is a clean `ready` run.
 * Everything is fixed data (no clock), so golden files stay stable.
 */
import type { Finding, Report, RuleDef, Severity, Stage } from '../../src/core/types.js';

/** Strings a hostile target could send back; reporters must render them inert. */
export const HOSTILE = {
  script: '<script>alert(1)</script>',
  attr: '"><img src=x onerror=alert(1)>',
  ansi: '\u001b[31mRED\u001b[0m',
} as const;

/** Catalog entries for the rule ids used by `sampleReport()` (wording as the catalog would hold it). */
export function sampleRules(): RuleDef[] {
  const r = (id: string, stage: Stage, severity: Severity, title: string, why: string, remediation: string): RuleDef => ({
    id,
    stage,
    severity,
    title,
    why,
    remediation,
  });
  return [
    r('secrets/committed-secret', 1, 'blocker', 'Credential committed to the repository', 'Anyone with read access to the repository can use the credential.', 'Rotate the credential, then move it to the secret store and remove it from the file.'),
    r('env/key-drift', 1, 'medium', 'Environment keys differ between staging and production', 'A key missing in production fails at runtime, usually on the first request that needs it.', 'Add the missing keys to both environments or remove them from the code.'),
    r('dns/dangling-cname', 2, 'blocker', 'CNAME points to an unclaimed name', 'Anyone who claims the target name at the provider serves content on your subdomain.', 'Remove the CNAME or claim the target at the provider.'),
    r('edge/hsts-missing', 2, 'high', 'HSTS header missing', 'Without HSTS a first visit over http:// can be downgraded by an attacker on the network.', 'Send Strict-Transport-Security: max-age=31536000; includeSubDomains from the HTTPS origin.'),
    r('security/stack-trace-exposed', 3, 'medium', 'Error response leaks a stack trace', 'Stack traces reveal framework versions, file paths and sometimes secrets.', 'Return a generic error body in production and log the details server-side.'),
    r('security/no-rate-limit', 3, 'high', 'Auth endpoint has no rate limit', 'Credential stuffing and signup spam run unthrottled.', 'Rate-limit login, signup and reset by IP and account, returning 429.'),
    r('perf/read-over-budget', 4, 'high', 'Read route over its p95 budget', 'Slow reads under launch traffic become timeouts and abandoned sessions.', 'Add the missing index or cache the response, then re-run the load test.'),
    r('migrations/index-not-concurrent', 5, 'high', 'Index created without CONCURRENTLY', 'CREATE INDEX locks writes to the table for the whole build.', 'Use CREATE INDEX CONCURRENTLY in its own migration without a transaction.'),
    r('monitor/no-slo', 6, 'low', 'No service level objective defined', 'Without an objective nobody knows when reliability is bad enough to act.', 'Define an availability and a p95 latency objective for the core flow.'),
    r('handover/service-without-owner', 7, 'medium', 'Third-party service has no owner', 'An unowned service lapses when its card expires and nobody notices.', 'Name a billing owner for each third-party service in the handover config.'),
    // Rules that were checked and passed or skipped (db/superuser-app-role is left out on
    // purpose: a skipped id missing from the catalog must still render, in JUnit's "other" suite).
    r('dns/unresolved', 2, 'blocker', 'Name does not resolve', 'Visitors get a DNS error instead of the product.', 'Publish A/AAAA records (or a CNAME) for the name.'),
    r('tls/expired', 2, 'blocker', 'Certificate expired', 'Browsers refuse the connection with a full-page warning.', 'Renew the certificate and automate renewal.'),
    r('email/spf-missing', 3, 'high', 'SPF record missing', 'Receivers cannot tell your mail from spoofed mail, so it lands in spam.', 'Publish a TXT record v=spf1 with your senders and -all.'),
    r('email/dkim-missing', 3, 'high', 'DKIM key missing', 'Unsigned mail fails DMARC alignment at most receivers.', 'Enable DKIM signing at your mail provider and publish its key.'),
    r('headers/referrer-policy-missing', 3, 'low', 'Referrer-Policy header missing', 'Full URLs, including tokens in query strings, leak to third parties.', 'Send Referrer-Policy: strict-origin-when-cross-origin.'),
  ];
}

function finding(id: string, over: Partial<Finding> & { target: string }): Finding {
  const rule = sampleRules().find((r) => r.id === id)!;
  return {
    id,
    stage: rule.stage,
    severity: rule.severity,
    title: rule.title,
    evidence: {},
    remediation: rule.remediation,
    docs: `docs/rules.md#${id.replace(/[^a-z0-9-]/g, '')}`,
    fingerprint: `fp-${id.replace(/[^a-z0-9]/g, '')}-${over.target.length}`,
    ...over,
  };
}

export function sampleReport(overrides: Partial<Report> = {}): Report {
  const findings: Finding[] = [
    finding('secrets/committed-secret', {
      target: 'src/config/aws.ts',
      location: { file: 'src/config/aws.ts', line: 12, column: 18 },
      evidence: { kind: 'aws-secret-access-key', fingerprint: 'sha256:3f9a1c2e', prefix: 'wJal' },
      fingerprint: 'c0ffee0001',
    }),
    finding('dns/dangling-cname', {
      target: 'shop.example.com',
      evidence: { cname: 'example-shop.herokudns.com', provider: 'heroku', rcode: 'NXDOMAIN' },
      fingerprint: 'c0ffee0002',
    }),
    finding('edge/hsts-missing', {
      target: 'https://www.example.com/',
      evidence: { status: 200, header: null },
      fingerprint: 'c0ffee0003',
    }),
    finding('security/no-rate-limit', {
      target: 'https://api.example.com/login',
      evidence: { burst: 30, accepted: 30, statuses: [200, 401] },
      fingerprint: 'c0ffee0004',
    }),
    finding('perf/read-over-budget', {
      target: 'GET https://api.example.com/feed',
      evidence: { p95Ms: 410, budgetMs: 300, requests: 1200 },
      fingerprint: 'c0ffee0005',
    }),
    finding('migrations/index-not-concurrent', {
      target: 'migrations/0007_listing_index.sql',
      location: { file: 'migrations\\0007_listing_index.sql', line: 3 },
      evidence: { table: 'listings', statement: 'CREATE INDEX listings_owner_idx ON listings (owner_id)' },
      fingerprint: 'c0ffee0006',
    }),
    finding('security/stack-trace-exposed', {
      // Hostile server: the error page and a header carry markup and a terminal escape.
      target: 'https://api.example.com/search?q=<x>|y',
      evidence: {
        body: HOSTILE.script,
        server: HOSTILE.attr,
        banner: HOSTILE.ansi,
        framework: 'express',
      },
      fingerprint: 'c0ffee0007',
    }),
    finding('env/key-drift', {
      target: '.env.production',
      evidence: { missing: ['STRIPE_WEBHOOK_SECRET', 'SENTRY_DSN'], in: 'production' },
      fingerprint: 'c0ffee0008',
    }),
    finding('handover/service-without-owner', {
      target: 'sendgrid',
      evidence: { service: 'sendgrid' },
      fingerprint: 'c0ffee0009',
      deferred: { reason: 'owner named after the launch meeting', by: 'ana', until: '2026-12-15' },
    }),
    finding('monitor/no-slo', { target: 'launchready.yml', fingerprint: 'c0ffee0010' }),
    finding('headers/referrer-policy-missing', {
      target: 'https://www.example.com/',
      severity: 'info',
      evidence: { header: null },
      fingerprint: 'c0ffee0011',
    }),
  ];

  const base: Report = {
    schemaVersion: 1,
    tool: { name: 'launchready', version: '0.1.0' },
    startedAt: '2026-11-29T10:00:00.000Z',
    durationMs: 12_345,
    config: { path: 'launchready.yml' },
    verdict: 'not-ready',
    score: { overall: 38, stages: { '1': 40, '2': 35, '3': 62, '4': 70, '5': 80, '6': 90, '7': null } },
    findings,
    passed: ['tls/expired', 'email/spf-missing', 'email/dmarc-missing'],
    skipped: [
      { id: 'db/superuser-app-role', reason: 'no database.url in config' },
      { id: 'email/dkim-missing', reason: 'DNS query timed out after 5000 ms' },
    ],
    launchSequence: [
      {
        order: 1,
        stage: 1,
        findingIds: ['secrets/committed-secret'],
        summary: 'Rotate the committed AWS key and move it to the secret store',
        severity: 'blocker',
        fingerprints: ['c0ffee0001'],
      },
      {
        order: 2,
        stage: 2,
        findingIds: ['dns/dangling-cname', 'edge/hsts-missing'],
        summary: 'Fix DNS and edge: remove the dangling CNAME, enable HSTS',
        severity: 'blocker',
        fingerprints: ['c0ffee0002', 'c0ffee0003'],
      },
      {
        order: 3,
        stage: 4,
        findingIds: ['perf/read-over-budget'],
        summary: 'Bring GET /feed under its 300 ms p95 budget',
        severity: 'high',
        fingerprints: ['c0ffee0005'],
      },
    ],
    metrics: {
      'gather.dns.ms': 84,
      'latency.feed': {
        kind: 'latency',
        name: 'GET /feed',
        buckets: [
          { le: 50, count: 120 },
          { le: 100, count: 340 },
          { le: 200, count: 410 },
          { le: 300, count: 180 },
          { le: 400, count: 90 },
          { le: 500, count: 45 },
          { le: 1000, count: 15 },
        ],
        p50: 140,
        p95: 410,
        p99: 720,
      },
      domainMap: { apex: 'example.com', www: 'cname example.com' },
    },
    checked: [
      { rule: 'secrets/committed-secret', target: 'src/config/aws.ts' },
      { rule: 'dns/dangling-cname', target: 'shop.example.com' },
      { rule: 'dns/dangling-cname', target: 'www.example.com' },
      { rule: 'edge/hsts-missing', target: 'https://www.example.com/' },
      { rule: 'tls/expired', target: 'www.example.com:443' },
      { rule: 'email/spf-missing', target: 'example.com' },
      { rule: 'monitor/no-slo', target: 'launchready.yml' },
    ],
    sinceLastRun: {
      runId: 7,
      at: '2026-11-28T09:30:00.000Z',
      newFindings: 1,
      fixedFindings: 2,
      deltas: [{ name: 'p95 of feed', before: 410, after: 180, unit: 'ms' }],
    },
    baseline: {
      path: 'baseline.json',
      newFindings: ['security/stack-trace-exposed'],
      fixedFindings: [{ id: 'tls/expiring-soon', target: 'www.example.com', fingerprint: 'c0ffee0099', severity: 'high' }],
      unchanged: 10,
      metricDeltas: [{ name: 'p95 of feed', before: 520, after: 410, unit: 'ms' }],
    },
    errors: [{ audit: 'email/dkim', message: 'resolver returned SERVFAIL for s1._domainkey.example.com' }],
  };
  return { ...base, ...overrides };
}

/** A clean run: verdict ready, no findings, nothing skipped. */
export function emptyReport(overrides: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'launchready', version: '0.1.0' },
    startedAt: '2026-11-29T11:00:00.000Z',
    durationMs: 4_200,
    config: { path: null },
    verdict: 'ready',
    score: { overall: 100, stages: { '1': 100, '2': 100, '3': 100, '4': null, '5': null, '6': null, '7': null } },
    findings: [],
    passed: ['dns/unresolved', 'tls/expired', 'edge/hsts-missing'],
    skipped: [],
    launchSequence: [],
    metrics: {},
    ...overrides,
  };
}
