/**
 * The config schema (zod). The JSON Schema in schema/launchready.schema.json is generated from it
 * (`npm run gen`). Objects are strict: an unknown key is a config error (exit 2), so a typo never
 * silently disables a check. Families add their sections here, documented with `.describe()`.
 */
import { z } from 'zod';
import { parseThreshold } from '../load/threshold.js';
import { flowsSchema, mailboxSchema } from '../flow/schema.js';
import { monitorSchema } from '../monitor/config-schema.js';

const severityOrOff = z.enum(['blocker', 'high', 'medium', 'low', 'info', 'off']);

export const domainsSchema = z
  .strictObject({
    apex: z.string().min(1).describe('Registered domain of the product, e.g. example.com'),
    canonical: z.string().url().optional().describe('The one URL that wins, e.g. https://www.example.com'),
    subdomains: z.array(z.string().min(1)).default([]).describe('Short names (app) or full names (app.example.com)'),
    staging: z.array(z.string().min(1)).default([]).describe('Hosts, patterns (*.vercel.app) or addresses production must never point to'),
    pages: z
      .array(z.string().min(1))
      .max(20)
      .optional()
      .describe('Extra pages to check for mixed content, security headers and caching: paths on the canonical URL (/listings/1) or full URLs on a production name'),
    rdap: z
      .string()
      .url()
      .optional()
      .describe('RDAP base URL of the registry, e.g. https://rdap.verisign.com/com/v1 (queried as <base>/domain/<apex>); unset: registration expiry is not checked'),
  })
  .describe('Production names');

export const networkSchema = z
  .strictObject({
    resolver: z.union([z.string(), z.array(z.string())]).optional().describe('DNS server(s) host:port instead of the system resolver'),
    connectTo: z.array(z.string()).default([]).describe('curl --connect-to rules HOST:PORT:ADDR:PORT'),
    ca: z.string().optional().describe('PEM file of extra trusted root certificates'),
    timeoutMs: z.number().int().positive().max(120_000).default(5_000).describe('Timeout of each network step, in ms'),
    concurrency: z.number().int().positive().max(256).default(16).describe('Maximum concurrent connections per kind'),
    maxBodyBytes: z.number().int().positive().default(2 * 1024 * 1024).describe('Response bodies are read up to this many bytes'),
  })
  .describe('Network overrides (test before DNS cutover, or on loopback)');

export const emailSchema = z
  .strictObject({
    domain: z.string().min(1).describe('Domain the product sends mail from (checked for SPF, DKIM, DMARC, MX)'),
    dkimSelectors: z.array(z.string()).default([]).describe('DKIM selectors to look up (<selector>._domainkey.<domain>)'),
    providers: z.array(z.string()).default([]).describe('Sending providers expected in SPF, e.g. sendgrid, google, ses'),
  })
  .describe('Email authentication');

export const repoSchema = z
  .strictObject({
    path: z.string().default('.').describe('Repository root, relative to the config file'),
    history: z.boolean().default(true).describe('Also scan git history for secrets'),
    bundles: z.array(z.string()).default([]).describe('Built client bundles to scan for leaked secrets, e.g. dist'),
    maxFileBytes: z.number().int().positive().default(10 * 1024 * 1024).describe('Files and history blobs above this size are skipped (reported with a reason)'),
    allowPaths: z.array(z.string()).default([]).describe('Regexes of paths whose secret hits are accepted (matched against the repo-relative path)'),
    baseline: z.string().optional().describe('Secrets baseline of accepted fingerprints, e.g. .launchready/secrets-baseline.json'),
  })
  .describe('Source repository (secrets, migrations, deploy files)');

export const envSchema = z
  .strictObject({
    files: z.record(z.string(), z.string()).default({}).describe('Environment name -> env file, e.g. production: .env.production'),
    required: z.array(z.string()).default([]).describe('Variable names every environment must define'),
    dir: z.string().optional().describe('Directory holding .env files (default: repo.path, else the config directory)'),
  })
  .describe('Environment files (parity between environments)');

export const logsSchema = z
  .strictObject({
    paths: z.array(z.string()).default([]).describe('Log files or directories to check for secrets and personal data (.gz rotations included)'),
  })
  .describe('Log samples (secrets and personal data in logs)');

export const databaseSchema = z
  .strictObject({
    url: z.string().optional().describe('Connection URL; write "${DATABASE_URL}" rather than the secret itself'),
    migrations: z.string().optional().describe('Directory of SQL migrations'),
    profile: z
      .boolean()
      .optional()
      .describe('Profile the queries of each GET route (perf/n-plus-one, perf/too-many-queries) from pg_stat_statements (MySQL/MariaDB: performance_schema digests) snapshots taken before and after a few requests; needs GET routes (default true)'),
    statsUrl: z
      .string()
      .optional()
      .describe('Connection URL used to read the statement statistics for the query profile (PostgreSQL: a role with pg_read_all_stats sees every role\'s statement text); default: url'),
    profileRequests: z.number().int().min(1).max(20).optional().describe('Requests per route in each query-profile sample, the counts are divided by it (default 3)'),
    maxQueriesPerRequest: z.number().int().positive().optional().describe('perf/too-many-queries fires above this many queries per request (default 20)'),
    nPlusOneRepeats: z.number().int().min(2).optional().describe('perf/n-plus-one fires when one statement shape runs this many times per request (default 5, as Sentry)'),
    otlp: z
      .strictObject({
        listen: z
          .string()
          .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:4318')
          .default('127.0.0.1:4318')
          .describe('host:port of the OTLP/HTTP receiver launchready starts during the query profile; point the app\'s exporter at http://<listen>/v1/traces (default 127.0.0.1:4318)'),
        waitMs: z.number().int().min(100).max(60_000).optional().describe('How long to wait for the spans of a profiled request to arrive (ms; default 10000, the batch exporter sends every 5 s)'),
      })
      .optional()
      .describe('Profile queries from OpenTelemetry traces instead of pg_stat_statements / performance_schema: any instrumented app on any database; database.url is then optional'),
  })
  .describe('Database (least privilege, indexes, migrations, query profile)');

/** One login / signup / password-reset / search endpoint the rate-limit and payload probes target. */
const securityEndpointSchema = z
  .strictObject({
    role: z.enum(['login', 'signup', 'reset', 'search']).describe('What the endpoint does (login, signup, reset, search)'),
    url: z.string().min(1).describe('Absolute URL, or a path resolved against the first of security.apis'),
    method: z.string().default('POST').describe('HTTP method'),
    body: z
      .string()
      .optional()
      .describe('Body template; {{email}}, {{password}}, {{n}} and {{query}} become marked throwaway values (default: a JSON login body)'),
    contentType: z.string().default('application/json').describe('Content-Type of the body'),
  })
  .describe('A security-sensitive endpoint');

/** A request that logs in an ordinary test user (its cookies are checked, and admin URLs fetched with them). */
const securitySessionSchema = z
  .strictObject({
    url: z.string().min(1).describe('Login URL (absolute, or a path resolved against the first of security.apis)'),
    method: z.string().default('POST').describe('HTTP method'),
    body: z.string().describe('Request body with a test user\'s credentials; write "${TEST_PASSWORD}" rather than the secret'),
    contentType: z.string().default('application/json').describe('Content-Type of the body'),
  })
  .describe('Log in an ordinary (non-admin) test user');

const aiEndpointSchema = z
  .strictObject({
    url: z.string().min(1).describe('Chat or moderation endpoint (absolute, or a path resolved against the first of security.apis)'),
    method: z.string().default('POST').describe('HTTP method'),
    body: z.string().default('{"message":"{{prompt}}"}').describe('Body template; {{prompt}} is replaced by each attack prompt (JSON-escaped)'),
    contentType: z.string().default('application/json').describe('Content-Type of the body'),
  })
  .describe('An AI endpoint');

export const securitySchema = z
  .strictObject({
    apis: z.array(z.string().url()).default([]).describe('API base URLs probed for CORS and common admin paths, e.g. https://api.example.com'),
    endpoints: z.array(securityEndpointSchema).default([]).describe('Login, signup, password-reset and search endpoints (rate limits, payloads)'),
    admin: z.array(z.string().min(1)).default([]).describe('Admin-only URLs (absolute, or paths resolved against the first of security.apis)'),
    discoverAdmin: z.boolean().default(true).describe('Also try common admin paths (/admin, /api/admin, /dashboard...) on each API host'),
    allowedOrigins: z.array(z.string()).default([]).describe('Origins the API may allow with CORS (https://app.example.com; https://*.example.com for subdomains)'),
    bodyLimitBytes: z.number().int().positive().max(100 * 1024 * 1024).default(1024 * 1024).describe('Largest request body the API should accept; limit + 1 byte is sent, expecting 413'),
    burst: z.number().int().min(1).max(200).default(30).describe('Requests per rate-limit burst, one endpoint at a time (hard maximum 200)'),
    windowMs: z.number().int().positive().max(10_000).default(10_000).describe('A burst stops after this many ms (maximum 10 s)'),
    session: securitySessionSchema.optional(),
    lockout: z
      .strictObject({
        url: z
          .string()
          .min(1)
          .optional()
          .describe('Login endpoint (absolute, or a path resolved against the first of security.apis); default: the first login endpoint of security.endpoints or of a flow step with role login'),
        account: z
          .string()
          .min(3)
          .describe('Account (email or user name) every request of the one-account burst uses; a real test account shows a lockout, and may stay locked for a while'),
        attempts: z.number().int().min(3).max(50).default(12).describe('Requests per burst (one account, then rotating accounts), at most 50'),
      })
      .optional()
      .describe('Tell a per-account lockout from a per-IP limit on login: a burst on one account, then one spread over throwaway accounts'),
    graphql: z
      .array(z.string().min(1))
      .default([])
      .describe('GraphQL endpoints (absolute, or paths resolved against the first of security.apis); with discoverAdmin, /graphql on each API base is tried too'),
    ai: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Run the prompt-injection suite (off by default)'),
        endpoints: z.array(aiEndpointSchema).default([]).describe('AI chat or moderation endpoints'),
        canary: z.string().min(8).optional().describe('A string planted in the system prompt that must never come back'),
      })
      .optional()
      .describe('Prompt-injection suite for AI endpoints'),
    dryRun: z.boolean().default(false).describe('Send nothing: list every request the probes would send'),
  })
  .superRefine((s, ctx) => {
    const needsBase = (u: string) => !/^https?:\/\//i.test(u);
    const check = (u: string, path: (string | number)[]) => {
      if (needsBase(u) && s.apis.length === 0) ctx.addIssue({ code: 'custom', path, message: `relative URL "${u}" needs security.apis to resolve against` });
    };
    s.endpoints.forEach((e, i) => check(e.url, ['endpoints', i, 'url']));
    s.admin.forEach((u, i) => check(u, ['admin', i]));
    if (s.session) check(s.session.url, ['session', 'url']);
    if (s.lockout?.url) check(s.lockout.url, ['lockout', 'url']);
    s.graphql.forEach((u, i) => check(u, ['graphql', i]));
    s.ai?.endpoints.forEach((e, i) => check(e.url, ['ai', 'endpoints', i, 'url']));
  })
  .describe('Security probes: CORS, rate limits, admin authorization, payloads, cookies, error leaks, prompt injection');

export const healthSchema = z
  .strictObject({
    url: z.string().min(1).describe('Health endpoint: absolute URL or a path on domains.canonical, e.g. /api/health'),
    maxMs: z.number().int().positive().max(60_000).default(2_000).describe('Slower than this counts as failing, ms'),
  })
  .describe('Health endpoint (deploy/health-failing): 2xx, fast, and no failing dependency in its JSON');

const personSchema = z.string().min(1).describe('A person: "Name <email>" or "Name, phone"');

const handoverServiceSchema = z
  .strictObject({
    name: z.string().min(1).describe('Service name as people know it (Stripe, SendGrid, Fly.io)'),
    purpose: z.string().optional().describe('What the product uses it for (payments, transactional email)'),
    billingOwner: personSchema.optional().describe('Who pays for it and owns the account (none = handover/service-without-owner)'),
    credentials: z.string().optional().describe('Where its credentials live (a vault item, the host platform\'s secrets) - never the credential itself'),
    url: z.string().url().optional().describe('Its dashboard or console URL'),
    plan: z.string().optional().describe('Plan or tier, and what happens when it is outgrown'),
  })
  .describe('A third-party service');

export const deploySchema = z
  .strictObject({
    previousAssetsHours: z
      .number()
      .min(0)
      .max(24 * 90)
      .default(24)
      .describe('For this long after a release, the previous release\'s scripts and stylesheets must keep loading (open tabs and cached HTML still ask for them); 0 = do not check'),
  })
  .describe('Release checks (stage 5)');

export const handoverSchema = z
  .strictObject({
    product: z.string().optional().describe('One or two sentences on what the product is and who uses it'),
    owners: z.record(z.string(), personSchema).default({}).describe('Role -> person, e.g. product: "Ana <ana@example.com>", engineering: "..."'),
    incident: z
      .strictObject({
        owner: personSchema.optional().describe('Who handles incidents from launch on (none = handover/no-incident-owner)'),
        contacts: z
          .array(z.strictObject({ name: z.string().min(1), role: z.string().optional(), contact: z.string().optional().describe('Phone, email or chat handle') }))
          .default([])
          .describe('Escalation contacts, in the order they are called'),
        runbook: z.string().optional().describe('Where the incident runbook lives (URL or repo path)'),
      })
      .optional()
      .describe('Incident ownership and escalation contacts'),
    deploy: z
      .strictObject({
        steps: z.array(z.string().min(1)).default([]).describe('How a release reaches production, in order'),
        environments: z
          .array(
            z.strictObject({
              name: z.string().min(1).describe('production, staging...'),
              url: z.string().optional().describe('Where it answers'),
              platform: z.string().optional().describe('Where it runs (Fly.io, Vercel, a VM...)'),
              branch: z.string().optional().describe('Branch or tag deployed there'),
            }),
          )
          .default([])
          .describe('Environments'),
      })
      .optional()
      .describe('Deployment steps and environments'),
    secretLocations: z
      .record(z.string(), z.string().min(1))
      .default({})
      .describe('Env var name or pattern (STRIPE_*, *) -> where its value lives (vault, host platform, CI secret store); names and locations only'),
    services: z.array(handoverServiceSchema).default([]).describe('Third-party services with purpose, billing owner and where credentials live'),
    knownIssues: z.array(z.string().min(1)).optional().describe('Known issues that are not launch blockers ([] = reviewed, none); unset = handover/incomplete'),
    rollback: z.array(z.string().min(1)).default([]).describe('Rollback steps, in order (shown after a failed smoke run; none = deploy/no-rollback-path)'),
  })
  .describe('Handover facts: owners, incident contacts, deploy steps, where secrets live, third-party services, known issues, rollback');

const durationSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$|^\d+(\.\d+)?$/, 'expected e.g. 500ms, 10s, 1m30s')])
  .describe('Milliseconds, or a duration such as 500ms, 10s, 1m30s');

/** k6 threshold spelling, checked when the config loads so a typo stops the run with its path. */
const thresholdSchema = z.string().superRefine((v, ctx) => {
  try {
    parseThreshold(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const routeSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').describe('Short unique name used in reports and on the command line (feed, create-listing)'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET').describe('HTTP method'),
    url: z.string().min(1).describe('Absolute URL; path and query may hold {{seq}}, {{vu}}, {{uuid}}, {{rand}}, {{ts}}, {{env.NAME}}'),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers'),
    body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional().describe('Body template (an object is sent as JSON); placeholders give unique data per request'),
    kind: z.enum(['read', 'write']).optional().describe('read or write budget (default: read for GET/HEAD, write otherwise)'),
    critical: z.boolean().default(false).describe('A critical flow: an error rate over budget is a blocker'),
    list: z.boolean().default(false).describe('Returns a collection: probed for unbounded results (no limit, limit=1, a large page)'),
    limitParam: z.string().default('limit').describe('Query parameter that limits a list route'),
    public: z.boolean().optional().describe('Anonymous, shareable response (default: read routes without auth): checked for cache headers'),
    auth: z.string().optional().describe('Flow (from flows) to run once before the load; its session is reused by every request'),
    thresholds: z.array(thresholdSchema).optional().describe("k6 thresholds for this route, e.g. ['p(95)<300', 'rate<0.01']; replace defaults of the same aggregation"),
    rate: z.number().positive().optional().describe('Arrival rate for this route, requests per second'),
    duration: durationSchema.optional(),
    sideEffects: z
      .array(z.enum(['email', 'webhook']))
      .optional()
      .describe('Work this write route triggers (email, webhook): checked for blocking the response when launchready\'s own SMTP receiver or webhook sink is the target'),
    seed: z
      .string()
      .optional()
      .describe('List routes: a flow (from flows) that creates one row; run perf.seedRows times (cleanup steps afterwards) to see whether the list response grows with the data set'),
  })
  .describe('One route to load-test');

export const perfSchema = z
  .strictObject({
    budgets: z
      .strictObject({
        readP95Ms: z.number().positive().default(300).describe('p95 budget of read routes, ms'),
        writeP95Ms: z.number().positive().default(500).describe('p95 budget of write routes, ms'),
        errorRate: z.number().min(0).max(1).default(0.01).describe('Error-rate budget (0.01 = 1%)'),
      })
      .default({ readP95Ms: 300, writeP95Ms: 500, errorRate: 0.01 })
      .describe('Default budgets (k6 thresholds p(95)<N and rate<N per route)'),
    thresholds: z.array(thresholdSchema).default([]).describe('Thresholds applied to every route (k6 spelling)'),
    model: z.enum(['open', 'closed']).default('open').describe('open: constant arrival rate (default); closed: N virtual users'),
    rate: z.number().positive().max(20_000).default(20).describe('Arrival rate per route, requests per second (open model)'),
    vus: z.number().int().positive().max(2_000).default(10).describe('Virtual users (closed model)'),
    thinkTime: durationSchema.default(0).describe('Pause between a virtual user\'s requests (closed model)'),
    duration: durationSchema.default('10s').describe('Measured time per route in audit'),
    maxDuration: durationSchema.default('30s').describe('Hard cap on the time per route, whatever duration or --duration say'),
    warmup: durationSchema.default('500ms').describe('Load before measuring, excluded from the results'),
    maxRate: z.number().positive().max(20_000).default(1_000).describe('Hard cap on the arrival rate'),
    timeout: durationSchema.default('10s').describe('Per-request deadline'),
    expectedPeak: z.number().positive().optional().describe('Expected peak requests per second (capacity headroom)'),
    listCeiling: z.number().int().positive().default(100).describe('A list returning more items than this without a pagination token is unbounded'),
    largePage: z.number().int().positive().default(1000).describe('limit= value of the large-page probe of list routes'),
    seedRows: z.number().int().min(5).max(50).default(30).describe('How many times a list route\'s seed flow runs before the list is measured again (choose more than its default page size)'),
    compressionMinBytes: z.number().int().positive().default(2048).describe('Text responses at least this large should be compressed'),
    hosts: z.array(z.string()).default([]).describe('Extra hosts load may target besides the configured domains'),
    regressionTolerance: z.number().min(0).max(10).default(0.1).describe('perf --baseline: a metric this much worse than before (0.1 = 10%) is a regression'),
    regressionFloorMs: z.number().min(0).default(5).describe('perf --baseline: latency changes smaller than this many ms are noise, never a regression'),
    capacity: z
      .strictObject({
        factor: z.number().min(1.1).max(4).default(1.5).describe('Arrival rate multiplier per step'),
        step: durationSchema.default('3s').describe('Measured time per step'),
        startRate: z.number().positive().optional().describe('First step, requests per second (default: the route\'s rate)'),
        maxTime: durationSchema.default('60s').describe('Hard cap on the total time per route, warm-ups included'),
      })
      .default({ factor: 1.5, step: '3s', maxTime: '60s' })
      .describe('perf --capacity: how the arrival rate is stepped up (capped by maxRate)'),
    sinks: z
      .strictObject({
        smtp: z.string().regex(/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/, 'expected host:port').optional().describe("Where launchready's own SMTP receiver listens (point the app's SMTP settings here in staging/demo), e.g. 127.0.0.1:2525"),
        webhook: z.string().regex(/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/, 'expected host:port').optional().describe("Where launchready's own webhook sink listens (HTTP, any path), e.g. 127.0.0.1:8089"),
        delay: durationSchema.default('300ms').describe('How long the sinks delay acceptance in the second pass (perf/blocking-side-effect)'),
        requests: z.number().int().min(2).max(50).default(6).describe('Requests per pass, one at a time'),
      })
      .optional()
      .describe('Receivers launchready runs during the perf gatherer to see whether routes with sideEffects wait for email/webhook delivery'),
  })
  .describe('Load tests and performance budgets (stage 4)');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema of this file (for editors); ignored'),
    name: z.string().optional().describe('Product name shown in reports'),
    domains: domainsSchema.optional(),
    network: networkSchema.default({ connectTo: [], timeoutMs: 5_000, concurrency: 16, maxBodyBytes: 2 * 1024 * 1024 }),
    email: emailSchema.optional(),
    repo: repoSchema.optional(),
    env: envSchema.optional(),
    database: databaseSchema.optional(),
    logs: logsSchema.optional(),
    routes: z.array(routeSchema).default([]).describe('Routes to load-test and probe (stage 4)'),
    perf: perfSchema.optional(),
    monitor: monitorSchema.optional(),
    security: securitySchema.optional(),
    flows: flowsSchema.optional(),
    flowFiles: z.array(z.string().min(1)).optional().describe('TypeScript/JavaScript modules whose default export is a flow or a list of flows (defineFlows)'),
    mailbox: mailboxSchema.optional(),
    deploy: deploySchema.optional(),
    health: healthSchema.optional(),
    handover: handoverSchema.optional(),
    active: z.boolean().default(false).describe('Allow active probes (bursts, load) against non-loopback hosts'),
    rules: z.record(z.string(), severityOrOff).default({}).describe('Per-rule severity override or off'),
  })
  .describe('launchready configuration');

/** Config as written by the user (before defaults). */
export type LaunchreadyConfigInput = z.input<typeof configSchema>;
/** Config after validation and defaults. */
export type LaunchreadyConfig = z.output<typeof configSchema>;

/** Identity helper for `launchready.config.ts`: `export default defineConfig({...})`. */
export function defineConfig(c: LaunchreadyConfigInput): LaunchreadyConfigInput {
  return c;
}
