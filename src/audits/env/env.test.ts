import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { analyseEnvText } from '../../secrets/env.js';
import type { EnvFilesArtifact } from '../../secrets/types.js';
import { SampleGen } from '../../secrets/util.js';
import browserExposedSecret from './browser-exposed-secret.js';
import dotenvCommitted from './dotenv-committed.js';
import { family } from './index.js';
import keyDrift from './key-drift.js';
import localhostInProduction from './localhost-in-production.js';
import missingValue from './missing-value.js';
import sharedSecret from './shared-secret.js';
import stagingUsesProduction from './staging-uses-production.js';

const g = new SampleGen('env-audit-test');
const STRIPE = 'sk_' + 'live_' + g.r('alnum', 32);
const PW = g.r('alnum', 20);
const RANDOM = g.r('b64', 44);

/** Build the artifact from real dotenv texts: `{ '.env.production': 'A=1' }`; tracked files listed in `tracked`. */
function env(files: Record<string, string>, o: { tracked?: string[]; required?: string[] } = {}): EnvFilesArtifact {
  return {
    dir: '/app',
    required: o.required ?? [],
    files: Object.entries(files).map(([p, text]) => ({ ...analyseEnvText(text, p), tracked: (o.tracked ?? []).includes(p) })),
  };
}
const ctx = (staging: string[] = []) => ({ config: configSchema.parse({ domains: { apex: 'example.com', staging } }), now: 0 });

type Case = [string, EnvFilesArtifact];

const cases: Record<string, { audit: { audit: (a: { envFiles: EnvFilesArtifact }, c: ReturnType<typeof ctx>) => { findings: { rule: string; evidence?: Record<string, unknown> }[] } }; rule: string; fires: Case[]; quiet: Case[]; staging?: string[] }> = {
  browserExposed: {
    audit: browserExposedSecret,
    rule: 'env/browser-exposed-secret',
    fires: [
      ['a Stripe live key in NEXT_PUBLIC_', env({ '.env.production': `NEXT_PUBLIC_STRIPE_KEY=${STRIPE}` })],
      ['a secret-named VITE_ variable with a random value', env({ '.env': `VITE_SUPABASE_SERVICE_ROLE=${RANDOM}` })],
      ['a REACT_APP_ password', env({ '.env.staging': `REACT_APP_ADMIN_PASSWORD=${PW}` })],
    ],
    quiet: [
      ['a publishable key', env({ '.env.production': `NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_${'live'}_${g.r('alnum', 99)}` })],
      ['a Google Maps browser key (referrer-restricted by design)', env({ '.env.production': `NEXT_PUBLIC_MAPS_KEY=AIza${g.r('url', 35)}` })],
      ['a server-only secret', env({ '.env.production': `STRIPE_SECRET_KEY=${STRIPE}` })],
      ['a placeholder in .env.example', env({ '.env.example': 'NEXT_PUBLIC_API_SECRET=<your-secret>' })],
      ['a public URL', env({ '.env.production': 'NEXT_PUBLIC_API_URL=https://api.example.com' })],
    ],
  },
  missing: {
    audit: missingValue,
    rule: 'env/missing-value',
    fires: [
      ['a key of .env.example absent in production', env({ '.env.example': 'DATABASE_URL=\nSMTP_HOST=', '.env.production': 'DATABASE_URL=postgres://db/app' })],
      ['a required key empty in staging', env({ '.env.staging': 'DATABASE_URL=' }, { required: ['DATABASE_URL'] })],
      ['a required key missing in the only .env', env({ '.env': 'PORT=3000' }, { required: ['DATABASE_URL'] })],
    ],
    quiet: [
      ['all required keys set', env({ '.env.example': 'A=\nB=', '.env.production': 'A=1\nB=2' })],
      ['nothing required', env({ '.env.production': 'A=1' })],
      ['only development files lack the key', env({ '.env.production': 'A=1', '.env.development': 'B=1' }, { required: ['A'] })],
    ],
  },
  committed: {
    audit: dotenvCommitted,
    rule: 'env/dotenv-committed',
    fires: [
      ['a tracked .env.production', env({ '.env.production': `STRIPE_SECRET_KEY=${STRIPE}` }, { tracked: ['.env.production'] })],
      ['a tracked .env without secrets (medium)', env({ '.env': 'PORT=3000' }, { tracked: ['.env'] })],
    ],
    quiet: [
      ['a tracked .env.example', env({ '.env.example': 'STRIPE_SECRET_KEY=' }, { tracked: ['.env.example'] })],
      ['an untracked .env', env({ '.env': `STRIPE_SECRET_KEY=${STRIPE}` })],
    ],
  },
  shared: {
    audit: sharedSecret,
    rule: 'env/shared-secret',
    fires: [
      ['the same Stripe key in both', env({ '.env.production': `STRIPE_SECRET_KEY=${STRIPE}`, '.env.staging': `STRIPE_SECRET_KEY=${STRIPE}` })],
      ['the same secret under different names', env({ '.env.production': `SESSION_SECRET=${RANDOM}`, '.env.staging': `COOKIE_SECRET=${RANDOM}` })],
    ],
    quiet: [
      ['different secrets', env({ '.env.production': `SESSION_SECRET=${RANDOM}`, '.env.staging': `SESSION_SECRET=${g.r('b64', 44)}` })],
      ['the same non-secret value', env({ '.env.production': 'LOG_LEVEL=info', '.env.staging': 'LOG_LEVEL=info' })],
      ['no staging file', env({ '.env.production': `SESSION_SECRET=${RANDOM}` })],
    ],
  },
  localhost: {
    audit: localhostInProduction,
    rule: 'env/localhost-in-production',
    staging: ['staging.example.com', '*.vercel.app'],
    fires: [
      ['a localhost database', env({ '.env.production': 'DATABASE_URL=postgres://app@localhost:5432/app' })],
      ['a 127.0.0.1 redis', env({ '.env.production': 'REDIS_URL=redis://127.0.0.1:6379' })],
      ['a staging API host from config', env({ '.env.production': 'API_URL=https://staging.example.com/v1' })],
      ['a preview deployment host', env({ '.env.production': 'APP_URL=https://myapp-git-main.vercel.app' })],
    ],
    quiet: [
      ['production hosts', env({ '.env.production': 'DATABASE_URL=postgres://app@db.internal:5432/app\nAPI_URL=https://api.example.com' })],
      ['localhost in development', env({ '.env.development': 'DATABASE_URL=postgres://localhost/app' })],
    ],
  },
  stagingUsesProduction: {
    audit: stagingUsesProduction,
    rule: 'env/staging-uses-production',
    fires: [
      ['the production database host in staging', env({ '.env.production': `DATABASE_URL=postgres://app:${PW}@db.prod.internal:5432/app`, '.env.staging': `DATABASE_URL=postgres://stg:${g.r('alnum', 20)}@db.prod.internal:5432/app_staging` })],
      ['the same Redis URL', env({ '.env.production': 'REDIS_URL=rediss://cache.example.net:6380', '.env.staging': 'REDIS_URL=rediss://cache.example.net:6380' })],
      ['a queue on the production broker', env({ '.env.production': 'AMQP_URL=amqps://mq.example.net/prod', '.env.staging': 'AMQP_URL=amqps://mq.example.net/staging' })],
    ],
    quiet: [
      ['separate database hosts', env({ '.env.production': 'DATABASE_URL=postgres://app@db.prod.internal/app', '.env.staging': 'DATABASE_URL=postgres://app@db.staging.internal/app' })],
      ['the same third-party API host', env({ '.env.production': 'STRIPE_API_BASE=https://api.stripe.com', '.env.staging': 'STRIPE_API_BASE=https://api.stripe.com' })],
      ['both on localhost (a dev setup)', env({ '.env.production': 'REDIS_URL=redis://localhost:6379', '.env.staging': 'REDIS_URL=redis://localhost:6379' })],
      ['no staging file', env({ '.env.production': 'DATABASE_URL=postgres://app@db.prod.internal/app' })],
    ],
  },
  drift: {
    audit: keyDrift,
    rule: 'env/key-drift',
    fires: [
      ['a key only in staging', env({ '.env.production': 'A=1', '.env.staging': 'A=1\nB=2' })],
      ['a key only in production', env({ '.env.production': 'A=1\nC=3', '.env.staging': 'A=1' })],
    ],
    quiet: [
      ['identical key sets with different values', env({ '.env.production': 'A=1\nB=2', '.env.staging': 'A=9\nB=8' })],
      ['only one environment', env({ '.env.production': 'A=1' })],
    ],
  },
};

for (const [name, c] of Object.entries(cases)) {
  describe(c.rule, () => {
    it.each(c.fires)(`fires for %s (${name})`, (_n, a) => {
      const fs = c.audit.audit({ envFiles: a }, ctx(c.staging)).findings;
      expect(fs.length).toBeGreaterThan(0);
      expect(fs.every((f) => f.rule === c.rule)).toBe(true);
      // Evidence never carries a full secret value.
      expect(JSON.stringify(fs)).not.toContain(STRIPE.slice(6));
      expect(JSON.stringify(fs)).not.toContain(RANDOM.slice(6));
    });
    it.each(c.quiet)(`stays quiet for %s (${name})`, (_n, a) => {
      expect(c.audit.audit({ envFiles: a }, ctx(c.staging)).findings).toEqual([]);
    });
  });
}

describe('env audits: details', () => {
  it('missing-value lists absent and empty keys per file', () => {
    const a = env({ '.env.example': 'A=\nB=\nC=', '.env.production': 'A=1\nB=' });
    expect(missingValue.audit({ envFiles: a }, ctx()).findings[0]!.evidence).toEqual({ env: 'production', missing: ['C'], empty: ['B'] });
  });
  it('dotenv-committed grades by content', () => {
    const a = env({ '.env': 'PORT=3000' }, { tracked: ['.env'] });
    expect(dotenvCommitted.audit({ envFiles: a }, ctx()).findings[0]!.severity).toBe('medium');
  });
  it('the family declares all seven env rules', () => {
    expect(family.rules.map((r) => r.id).sort()).toEqual(family.audits.flatMap((x) => x.meta.emits).sort());
    expect(family.rules).toHaveLength(7);
  });
});
