/**
 * The demo's source repository, made fresh in a temporary folder: the marketplace's migrations,
 * its environment files and (flawed) a payment key committed once and deleted since, so it lives
 * on in git history.
 * Secrets are generated at run time in the provider's documented shape: no key is stored in our
 * own sources.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const rand = (n: number) => [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join('');

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const INIT_UP = `CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, password_hash text NOT NULL);
CREATE TABLE listings (id bigserial PRIMARY KEY, seller_id bigint NOT NULL REFERENCES users(id), title text NOT NULL, price_cents integer NOT NULL);
CREATE TABLE messages (id bigserial PRIMARY KEY, listing_id bigint NOT NULL REFERENCES listings(id), from_id bigint NOT NULL REFERENCES users(id), body text NOT NULL);
`;
const INIT_DOWN = 'DROP TABLE messages;\nDROP TABLE listings;\nDROP TABLE users;\n';

const CI_WORKFLOW = `name: ci
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20, cache: npm }
      - run: npm ci
      - run: npm run build
      - run: npm test
`;

/** Writes the demo repository into `dir` (created); returns nothing: the config points at it. */
export function createDemoRepo(dir: string, flawed: boolean): void {
  mkdirSync(dir, { recursive: true });
  write(dir, {
    'README.md': '# Market\n\nA marketplace: signup, listings, messages.\n',
    'migrations/001_init.up.sql': INIT_UP,
    'migrations/001_init.down.sql': INIT_DOWN,
    'migrations/002_listing_search.up.sql': flawed
      ? 'CREATE INDEX listings_title_idx ON listings (title);\nALTER TABLE users ADD COLUMN verified boolean NOT NULL;\n'
      : '-- CREATE INDEX CONCURRENTLY cannot run inside a transaction: run this file without one.\nCREATE INDEX CONCURRENTLY listings_title_idx ON listings (title);\nALTER TABLE users ADD COLUMN verified boolean NOT NULL DEFAULT false;\n',
    // Fixed: a CI job installs from clean and builds (flawed has none: deploy/no-ci-build).
    ...(flawed ? {} : { '.github/workflows/ci.yml': CI_WORKFLOW }),
    ...(flawed ? {} : { 'migrations/002_listing_search.down.sql': 'ALTER TABLE users DROP COLUMN verified;\nDROP INDEX CONCURRENTLY listings_title_idx;\n' }),
  });
  // Environment files. Flawed: production's file is committed, reuses staging's session secret,
  // points its database at localhost, lacks a key staging has, and hands a secret key to the
  // browser through a NEXT_PUBLIC_ variable. Fixed: .env files are ignored by git and distinct.
  const session = rand(40);
  write(dir, {
    '.env.example': 'DATABASE_URL=\nSESSION_SECRET=\nSENTRY_DSN=\nNEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=\n',
    '.env.staging': `DATABASE_URL=postgres://app:${rand(20)}@db.staging.market.test:5432/market\nSESSION_SECRET=${session}\nSENTRY_DSN=https://${rand(32).toLowerCase()}@o1.ingest.sentry.test/2\nNEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=${'pk_' + 'test_'}${rand(24)}\n`,
    '.env.production': flawed
      ? `DATABASE_URL=postgres://app:${rand(20)}@localhost:5432/market\nSESSION_SECRET=${session}\nNEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=${'sk_' + 'live_'}${rand(24)}\n`
      : `DATABASE_URL=postgres://app:${rand(20)}@db.prod.market.test:5432/market\nSESSION_SECRET=${rand(40)}\nSENTRY_DSN=https://${rand(32).toLowerCase()}@o1.ingest.sentry.test/3\nNEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=${'pk_' + 'live_'}${rand(24)}\n`,
    '.gitignore': flawed ? 'node_modules/\n.env.staging\n' : 'node_modules/\n.env*\n!.env.example\n',
  });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Demo Dev',
        GIT_AUTHOR_EMAIL: 'dev@market.test',
        GIT_COMMITTER_NAME: 'Demo Dev',
        GIT_COMMITTER_EMAIL: 'dev@market.test',
        GIT_AUTHOR_DATE: '2026-01-05T10:00:00Z',
        GIT_COMMITTER_DATE: '2026-01-05T10:00:00Z',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'Initial marketplace');
  if (flawed) {
    // A quick payments test, committed with a live key, then "fixed" by deleting the file.
    write(dir, { 'src/payments.js': `export const stripe = require('stripe')('${'sk_' + 'live_'}${rand(24)}');\n` });
    git('add', '-A');
    git('commit', '-q', '-m', 'Try payments');
    rmSync(join(dir, 'src/payments.js'));
    git('add', '-A');
    git('commit', '-q', '-m', 'Read the key from env');
  }
}
