/**
 * The config schema (zod). The JSON Schema in schema/launchready.schema.json is generated from it
 * (`npm run gen`). Objects are strict: an unknown key is a config error (exit 2), so a typo never
 * silently disables a check. Families add their sections here, documented with `.describe()`.
 */
import { z } from 'zod';

const severityOrOff = z.enum(['blocker', 'high', 'medium', 'low', 'info', 'off']);

export const domainsSchema = z
  .strictObject({
    apex: z.string().min(1).describe('Registered domain of the product, e.g. example.com'),
    canonical: z.string().url().optional().describe('The one URL that wins, e.g. https://www.example.com'),
    subdomains: z.array(z.string().min(1)).default([]).describe('Short names (app) or full names (app.example.com)'),
    staging: z.array(z.string().min(1)).default([]).describe('Hosts, patterns (*.vercel.app) or addresses production must never point to'),
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
  })
  .describe('Database (least privilege, indexes, migrations)');

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
