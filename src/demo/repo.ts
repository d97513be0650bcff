/**
 * The demo's source repository, made fresh in a temporary folder: the marketplace's migrations
 * and (flawed) a payment key committed once and deleted since, so it lives on in git history.
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
    ...(flawed ? {} : { 'migrations/002_listing_search.down.sql': 'ALTER TABLE users DROP COLUMN verified;\nDROP INDEX CONCURRENTLY listings_title_idx;\n' }),
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
