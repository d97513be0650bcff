/** The `secrets` artifact: credentials in the working tree, git history and built bundles of config.repo. */
import { resolve } from 'node:path';
import { defineGatherer } from '../core/audit.js';
import { LaunchreadyError } from '../core/errors.js';
import { scanSecrets } from '../secrets/scan.js';

export default defineGatherer({
  id: 'secrets',
  title: 'Scanning the repository, its history and bundles for secrets',
  async gather(ctx) {
    const repo = ctx.config.repo;
    const root = resolve(ctx.baseDir, repo?.path ?? '.');
    ctx.progress.update(`scanning ${root}${repo?.history === false ? '' : ' (with history)'}`);
    try {
      return await scanSecrets({
        path: root,
        history: repo?.history ?? true,
        bundles: repo?.bundles ?? [],
        maxFileBytes: repo?.maxFileBytes,
        allowPaths: repo?.allowPaths ?? [],
        baseline: repo?.baseline,
        now: ctx.now,
      });
    } catch (e) {
      // Bad paths and git failures become an error artifact; the run goes on.
      if (e instanceof LaunchreadyError || (e as Error).name === 'GitError') {
        return { error: { code: 'SECRETS_SCAN_FAILED', message: `repo.path ${repo?.path ?? '.'}: ${(e as Error).message}` } };
      }
      throw e;
    }
  },
});
