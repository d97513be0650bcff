/** The `envFiles` artifact: .env files of config.env.dir (or repo.path), parsed with dotenv, values hashed and masked. */
import { resolve } from 'node:path';
import { defineGatherer } from '../core/audit.js';
import { LaunchreadyError } from '../core/errors.js';
import { readEnvFiles } from '../secrets/env.js';

export default defineGatherer({
  id: 'envFiles',
  title: 'Reading environment files',
  async gather(ctx) {
    const rel = ctx.config.env?.dir ?? ctx.config.repo?.path ?? '.';
    const dir = resolve(ctx.baseDir, rel);
    ctx.progress.update(`reading .env files in ${dir}`);
    try {
      return await readEnvFiles({ dir, files: ctx.config.env?.files ?? {}, required: ctx.config.env?.required ?? [] });
    } catch (e) {
      if (e instanceof LaunchreadyError) return { error: { code: 'ENV_READ_FAILED', message: `env.dir ${rel}: ${e.message}` } };
      throw e;
    }
  },
});
