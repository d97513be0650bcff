/**
 * The `rollback` artifact (deploy/no-rollback-path): config handover.rollback, plus rollback documents
 * in config.repo.path: ROLLBACK.md (any case), docs/rollback* (and one level below docs/), or a
 * "Rollback" heading in README.md, DEPLOY(MENT).md, RUNBOOK.md or docs/deploy*.md.
 * Applies when the config has a repo or a handover section (a bare domain audit has neither to consult).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defineGatherer } from '../core/audit.js';

const HEADING_RE = /^#{1,6}\s*roll[\s-]?back/im;
const MAX_DOC_BYTES = 1024 * 1024;

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function hasHeading(file: string): Promise<boolean> {
  try {
    const s = await stat(file);
    if (!s.isFile() || s.size > MAX_DOC_BYTES) return false;
    return HEADING_RE.test(await readFile(file, 'utf8'));
  } catch {
    return false;
  }
}

/** Repo-relative paths of rollback documents under `root`. */
export async function findRollbackDocs(root: string): Promise<string[]> {
  const docs: string[] = [];
  const top = await entries(root);
  for (const n of top) if (/^rollback(\.(md|markdown|txt|rst))?$/i.test(n)) docs.push(n);
  const docsDir = top.find((n) => n.toLowerCase() === 'docs');
  if (docsDir) {
    for (const n of await entries(join(root, docsDir))) {
      if (/^rollback/i.test(n)) docs.push(`${docsDir}/${n}`);
      else if ((await stat(join(root, docsDir, n)).catch(() => null))?.isDirectory()) {
        for (const m of await entries(join(root, docsDir, n))) if (/^rollback/i.test(m)) docs.push(`${docsDir}/${n}/${m}`);
      } else if (/^deploy.*\.md$/i.test(n) && (await hasHeading(join(root, docsDir, n)))) docs.push(`${docsDir}/${n}`);
    }
  }
  for (const n of top) if (/^(readme|deploy|deployment|runbook)\.md$/i.test(n) && (await hasHeading(join(root, n)))) docs.push(n);
  return [...new Set(docs)];
}

export default defineGatherer({
  id: 'rollback',
  title: 'Looking for rollback steps',
  async gather(ctx) {
    const { repo, handover } = ctx.config;
    if (!repo && !handover) return { error: { code: 'NOT_CONFIGURED', message: 'no handover or repo section in config' } };
    const docs = repo ? await findRollbackDocs(resolve(ctx.baseDir, repo.path)) : [];
    return { configSteps: handover?.rollback ?? [], docs, repoChecked: Boolean(repo) };
  },
});
