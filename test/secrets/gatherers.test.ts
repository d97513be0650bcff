/** The three gatherers read config relative to ctx.baseDir and return artifacts or error artifacts. */
import { afterAll, describe, expect, it } from 'vitest';
import type { GatherContext } from '../../src/core/audit.js';
import { isArtifactError } from '../../src/core/audit.js';
import { configSchema } from '../../src/config/schema.js';
import envFiles from '../../src/gather/envfiles.js';
import logs from '../../src/gather/logs.js';
import secrets from '../../src/gather/secrets.js';
import type { Net } from '../../src/net/types.js';
import { SampleGen } from '../../src/secrets/util.js';
import { TempRepo } from './repo.js';

const GHP = 'ghp_' + new SampleGen('gatherers').r('alnum', 36);
const repos: TempRepo[] = [];
afterAll(() => repos.forEach((r) => r.cleanup()));

function ctx(baseDir: string, config: unknown): GatherContext {
  return {
    config: configSchema.parse(config),
    baseDir,
    net: {} as Net, // these gatherers never touch the network
    signal: new AbortController().signal,
    progress: { update: () => undefined },
    now: () => 1_000,
    artifacts: {},
  };
}

describe('secrets, envFiles and logs gatherers', () => {
  it('gather from config paths relative to baseDir', async () => {
    const r = new TempRepo();
    repos.push(r);
    r.write('app/src/a.ts', `const t = "${GHP}";`);
    r.write('app/.env.production', 'A=1\n');
    r.write('app/var/app.log', 'mail jane@example.org\n');
    r.commit('init');
    const c = ctx(r.dir, { repo: { path: 'app', history: true }, logs: { paths: ['app/var'] } });
    const s = await secrets.gather(c);
    expect(isArtifactError(s)).toBe(false);
    if (!isArtifactError(s)) {
      expect(s.worktree.hits.map((h) => h.file)).toEqual(['src/a.ts']);
      expect(s.history!.commits).toBe(1);
    }
    const e = await envFiles.gather(c);
    expect(!isArtifactError(e) && e.files.map((f) => [f.path, f.env])).toEqual([['.env.production', 'production']]);
    const l = await logs.gather(c);
    expect(!isArtifactError(l) && l.files[0]!.pii.email).toBe(1);
  });

  it('return error artifacts for a bad repo path and unconfigured logs', async () => {
    const c = ctx('/nonexistent-base', { repo: { path: 'nope' } });
    const s = await secrets.gather(c);
    expect(isArtifactError(s) && s.error.code).toBe('SECRETS_SCAN_FAILED');
    expect(isArtifactError(s) && s.error.message).toMatch(/repo\.path nope/);
    const l = await logs.gather(c);
    expect(isArtifactError(l) && l.error.code).toBe('NOT_CONFIGURED');
    const e = await envFiles.gather(c);
    expect(isArtifactError(e) && e.error.code).toBe('ENV_READ_FAILED');
  });
});
