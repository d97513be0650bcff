import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'perf/read-over-budget',
    stage: 4,
    severity: 'high',
    title: 'Read route slower than its budget',
    why: 'Slow reads (feeds, search, listing pages) are what visitors feel first, and they get slower as traffic and data grow after launch.',
    remediation: 'Find where the time goes on this route (database query plan, N+1 queries, remote calls), add the missing index or cache, and re-run `launchready perf` to compare.',
  },
  {
    id: 'perf/write-over-budget',
    stage: 4,
    severity: 'high',
    title: 'Write route slower than its budget',
    why: 'Slow writes (signup, checkout, posting) make users retry, which doubles the load and creates duplicates.',
    remediation: 'Move slow work (email, webhooks, image processing) to a queue, check locks and indexes on the written tables, then re-run `launchready perf`.',
  },
  {
    id: 'perf/error-rate-over-budget',
    stage: 4,
    severity: 'blocker',
    title: 'Route fails under load',
    why: 'A route that errors under a modest load will fail for real users on launch day; on a critical flow (signup, login, checkout) that is lost business.',
    remediation: 'Look at the status classes and error kinds in the evidence: 5xx point at the app or database (pool size, timeouts), refused or timed-out connections at the server or proxy limits. Fix, then re-run the load.',
    severityNote: 'blocker on routes marked critical; high on other routes.',
  },
  {
    id: 'perf/unbounded-list',
    stage: 4,
    severity: 'high',
    title: 'List route returns every row',
    why: 'A feed, search or admin list without a page size returns more rows every day: it gets slower with the data and one request can take the database down.',
    remediation: 'Give the route a default and maximum page size (e.g. 20 and 100), honour the limit parameter, and return a next cursor or Link header for the following page.',
  },
  {
    id: 'perf/no-compression',
    stage: 4,
    severity: 'low',
    title: 'Large text response served uncompressed',
    why: 'JSON and HTML shrink 5-10x with gzip or Brotli; sending them raw costs bandwidth and time on mobile networks.',
    remediation: 'Enable gzip/Brotli for text types at the proxy or CDN (nginx `gzip on; gzip_types application/json ...`) or in the app (e.g. @fastify/compress, compression for Express).',
  },
  {
    id: 'perf/uncached-read',
    stage: 4,
    severity: 'low',
    title: 'Public read route without cache headers',
    why: 'Without Cache-Control or validators (ETag, Last-Modified) every visitor and every reload hits the app and the database, even for content that changes rarely.',
    remediation: 'Send `Cache-Control: public, max-age=...` (with `stale-while-revalidate` where acceptable) or an ETag so clients and CDNs can revalidate with 304 responses.',
  },
];
