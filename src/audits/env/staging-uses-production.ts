/**
 * env/staging-uses-production: a staging value points at the same data store (database, cache, queue,
 * search or object store) as production: same key, same non-local host. Tests, migrations and smoke
 * runs on staging then read and write production data. API hosts of third parties (api.stripe.com)
 * are the same in every environment by design and are not judged: only data-store URL schemes are.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { envEntries, PRODUCTION, STAGING } from './shared.js';

/** URL schemes of data stores (PostgreSQL, MySQL, MongoDB, Redis, RabbitMQ, NATS, Kafka, Elasticsearch-style, S3). */
export const DATA_STORE_SCHEMES = new Set([
  'postgres', 'postgresql', 'mysql', 'mysql2', 'mariadb', 'mongodb', 'mongodb+srv', 'redis', 'rediss', 'valkey',
  'amqp', 'amqps', 'nats', 'kafka', 'sqlserver', 'mssql', 'cockroachdb', 'clickhouse', 's3', 'memcached',
]);

export default defineAudit({
  meta: {
    id: 'staging-uses-production',
    emits: ['env/staging-uses-production'],
    requiredArtifacts: ['envFiles'],
    description: 'Staging does not use the production database, cache or queue',
  },
  audit({ envFiles }) {
    const prod = envEntries(envFiles, PRODUCTION);
    const staging = envEntries(envFiles, STAGING);
    if (!prod || !staging) return { findings: [], notApplicable: 'needs both a production and a staging env file' };
    const findings: FindingDraft[] = [];
    for (const s of staging.entries.values()) {
      const p = prod.entries.get(s.key);
      if (!p || !s.host || s.localhost || !s.scheme || !DATA_STORE_SCHEMES.has(s.scheme)) continue;
      if (p.host !== s.host) continue;
      findings.push({
        rule: 'env/staging-uses-production',
        target: s.key,
        location: { file: staging.files[staging.files.length - 1]!, line: s.line },
        evidence: { key: s.key, scheme: s.scheme, host: s.host, sameValue: p.valueHash === s.valueHash },
        key: `staging-prod-store:${s.key}`,
      });
    }
    return { findings, targets: staging.files };
  },
});
