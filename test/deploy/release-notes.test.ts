/**
 * `launchready release-notes` on a real temporary git repository: tags, conventional and plain
 * commits, migrations added and edited, env keys changed in the tracked .env.example and drifting
 * between untracked env files, audits recorded in a real history DB, rollback steps from config.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { HistoryStore } from '../../src/engine/history.js';
import type { Finding, Report } from '../../src/core/types.js';
import { groupCommits, parseCommit } from '../../src/audits/deploy/release-notes.js';

let repo: string;
let day = 0;
const SECRET = 'sk_live_51Hx9notreallyasecretvalue';

function git(...args: string[]): string {
  const date = `2026-05-${String(++day).padStart(2, '0')}T12:00:00Z`;
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Ana', GIT_AUTHOR_EMAIL: 'ana@example.test', GIT_COMMITTER_NAME: 'Ana', GIT_COMMITTER_EMAIL: 'ana@example.test', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
}
function commit(message: string, files: Record<string, string | null> = {}): void {
  for (const [f, text] of Object.entries(files)) {
    if (text === null) rmSync(join(repo, f));
    else {
      mkdirSync(join(repo, f, '..'), { recursive: true });
      writeFileSync(join(repo, f), text);
    }
  }
  git('add', '-A');
  git('commit', '--allow-empty', '-q', '-m', message);
}

const finding = (id: string, severity: Finding['severity'], target: string): Finding => ({
  id, stage: 5, severity, title: `title of ${id}`, target, evidence: {}, remediation: 'r', docs: 'd', fingerprint: `${id}@${target}`,
});
const report = (startedAt: string, findings: Finding[]): Report => ({
  schemaVersion: 1, tool: { name: 'launchready', version: '0' }, startedAt, durationMs: 1, config: { path: null }, verdict: 'not-ready',
  score: { overall: 50, stages: { 1: null, 2: null, 3: null, 4: null, 5: 50, 6: null, 7: null } }, findings, passed: [], skipped: [], launchSequence: [], metrics: {},
});

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'lr-notes-'));
  git('init', '-q', '-b', 'main');
  commit('chore: initial import', {
    'launchready.config.yaml': [
      'database: { migrations: ./migrations }',
      'env: { files: { production: .env.production, staging: .env.staging } }',
      'handover:',
      '  rollback: ["Redeploy the previous tag (v1.0.0) with: fly deploy --image app:v1.0.0", "Run migrations/002_photos.down.sql"]',
      '',
    ].join('\n'),
    '.gitignore': '.env.production\n.env.staging\n.launchready/\n',
    'migrations/001_init.sql': 'CREATE TABLE users (id bigint primary key);\n',
    '.env.example': 'DATABASE_URL=\nMAIL_HOST=\n',
  });
  git('tag', 'v1.0.0');
  commit('feat(listings): photo uploads', { 'migrations/002_photos.sql': 'CREATE TABLE photos (id bigint primary key);\n' });
  commit('fix: login redirect loop');
  commit('feat!: drop the legacy v0 API');
  commit('refactor: split the mailer\n\nBREAKING CHANGE: SMTP_URL replaces MAIL_HOST', { '.env.example': 'DATABASE_URL=\nSMTP_URL=\n' });
  commit('Update README', { 'README.md': '# app\n' });
  commit('wip(ui): new header');
  commit('fix: typo in the init migration', { 'migrations/001_init.sql': 'CREATE TABLE users (id bigint primary key, email text);\n' });
  git('tag', 'v1.1.0');
  // Real env files are not tracked; production lacks a key staging has.
  writeFileSync(join(repo, '.env.production'), `DATABASE_URL=postgres://prod/db\nSMTP_URL=smtp://mail\n`);
  writeFileSync(join(repo, '.env.staging'), `DATABASE_URL=postgres://staging/db\nSMTP_URL=smtp://mail\nSTRIPE_KEY=${SECRET}\n`);
  // Two audits: one before v1.0.0 was tagged (2026-05-01), the newest after v1.1.0.
  const store = new HistoryStore(join(repo, '.launchready/history.db'));
  const key = join(repo, 'launchready.config.yaml');
  store.record(key, report('2026-04-30T08:00:00.000Z', [finding('deploy/no-ci-build', 'medium', '.'), finding('edge/hsts-missing', 'high', 'www.app.test')]));
  store.record(key, report('2026-05-20T08:00:00.000Z', [finding('edge/hsts-missing', 'high', 'www.app.test'), finding('deploy/health-failing', 'blocker', 'https://www.app.test/health')]));
  store.close();
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('conventional commits', () => {
  const c = (subject: string, body = '') => ({ sha: 'abcdef1234', subject, body, author: 'a', date: '' });
  it.each([
    ['feat(api): add search', { type: 'feat', scope: 'api', breaking: false, description: 'add search' }],
    ['fix!: drop v0', { type: 'fix', scope: null, breaking: true, description: 'drop v0' }],
    ['Update README', { type: null, scope: null, breaking: false, description: 'Update README' }],
  ])('parses %s', (subject, want) => {
    expect(parseCommit(c(subject))).toMatchObject(want);
  });
  it('treats a BREAKING CHANGE footer as breaking and groups in a fixed order', () => {
    const groups = groupCommits([c('chore: deps'), c('refactor: x', 'BREAKING CHANGE: y'), c('fix: a'), c('feat: b'), c('hello')]);
    expect(groups.map((g) => [g.title, g.items.length])).toEqual([['Breaking changes', 1], ['Features', 1], ['Fixes', 1], ['Chores', 1], ['Other changes', 1]]);
  });
});

describe('launchready release-notes', () => {
  it('writes the note for the tagged release since the previous tag', async () => {
    const r = await cli(['release-notes'], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toMatch(/^# Release v1\.1\.0\n\n2026-05-\d\d · 7 commits since v1\.0\.0 \(`v1\.0\.0\.\.HEAD`\)\n/);
    const sections = [...md.matchAll(/^##+ (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual([
      'Launch blockers', 'Changes', 'Breaking changes', 'Features', 'Fixes', 'Other changes',
      'Database migrations', 'Environment variables', 'Fixed since v1.0.0', 'Known issues', 'Rollback',
    ]);
    // newest first, as git log lists them
    expect(md).toMatch(/### Breaking changes\n\n- split the mailer \([0-9a-f]{7}\)\n- drop the legacy v0 API \([0-9a-f]{7}\)\n/);
    expect(md).toMatch(/### Features\n\n- \*\*listings:\*\* photo uploads \([0-9a-f]{7}\)\n/);
    expect(md).toMatch(/### Fixes\n\n- typo in the init migration \([0-9a-f]{7}\)\n- login redirect loop \([0-9a-f]{7}\)\n/);
    expect(md).toMatch(/### Other changes\n\n- wip\(ui\): new header \([0-9a-f]{7}\)\n- Update README \([0-9a-f]{7}\)\n/);
    expect(md).toContain('Run in this order (added in `migrations`):\n\n1. `migrations/002_photos.sql`\n');
    expect(md).toContain('- `migrations/001_init.sql` modified');
    expect(md).toContain('- example (`.env.example`): added `SMTP_URL`; removed `MAIL_HOST`');
    expect(md).toContain('- production (`.env.production`): not tracked in git');
    expect(md).toContain('- production (`.env.production`): `STRIPE_KEY` (in staging)');
    expect(md).not.toContain(SECRET.slice(4));
    expect(md).toContain('## Launch blockers\n\nFrom the audit of 2026-05-20 08:00 (run 2); fix these before releasing.\n\n- **blocker** title of deploy/health-failing — `deploy/health-failing` on https://www.app.test/health\n');
    expect(md).toContain('## Fixed since v1.0.0\n\n- **medium** title of deploy/no-ci-build — `deploy/no-ci-build` on .\n');
    expect(md).toContain('## Known issues\n\n- **high** title of edge/hsts-missing — `edge/hsts-missing` on www.app.test\n');
    expect(md).toContain('## Rollback\n\n1. Redeploy the previous tag (v1.0.0) with: fly deploy --image app:v1.0.0\n2. Run migrations/002_photos.down.sql\n');
  });

  it('covers the first release from the first commit with --to v1.0.0', async () => {
    const r = await cli(['release-notes', '--to', 'v1.0.0', '--format', 'json'], { cwd: repo });
    expect(r.code).toBe(0);
    const n = JSON.parse(r.stdout) as { release: string; from: null; commits: unknown[]; migrations: { added: string[] } };
    expect(n).toMatchObject({ release: 'v1.0.0', from: null, migrations: { added: ['migrations/001_init.sql'] } });
    expect(n.commits).toHaveLength(1);
  });

  it('honours --from and writes <dir>/<release>.md with --out', async () => {
    const out = join(repo, 'notes/');
    const r = await cli(['release-notes', '--from', 'HEAD~2', '--out', out], { cwd: repo });
    expect(r.code).toBe(0);
    const md = readFileSync(join(out, 'v1.1.0.md'), 'utf8');
    expect(md).toMatch(/2 commits since HEAD~2/);
    expect(md).not.toContain('photo uploads');
  });

  it.each([
    [['release-notes', '--to', 'v9.9.9'], /--to v9\.9\.9: no such commit, tag or branch/],
    [['release-notes', '--from', 'nope'], /--from nope: no such tag or commit/],
  ])('exits 2 on %j', async (argv, msg) => {
    const r = await cli(argv, { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
  });

  it('exits 2 outside a git repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lr-nogit-'));
    try {
      const r = await cli(['release-notes'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/release-notes needs a git repository/);
      expect(existsSync(join(dir, '.launchready'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
