/**
 * `launchready secrets --install-hook`: a git pre-commit hook that scans the staged diff.
 * Honours core.hooksPath (via `git rev-parse --git-path hooks`). An existing hook that is not
 * ours is left alone (UsageError) rather than overwritten.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { git, isGitWorkTree } from './sources/git.js';

export const HOOK_MARKER = '# launchready pre-commit hook';

export function hookScript(): string {
  return [
    '#!/bin/sh',
    HOOK_MARKER,
    '# Blocks commits that add a credential. Bypass once with: git commit --no-verify',
    'exec npx --no-install launchready secrets --staged --fail-on high --quiet',
    '',
  ].join('\n');
}

export async function installHook(repo: string): Promise<{ path: string; action: 'created' | 'updated' }> {
  if (!(await isGitWorkTree(repo))) throw new UsageError(`${repo} is not a git work tree: cannot install a pre-commit hook`);
  const rel = (await git(repo, ['rev-parse', '--git-path', 'hooks'])).toString().trim();
  const dir = path.resolve(repo, rel);
  const file = path.join(dir, 'pre-commit');
  let existing: string | null = null;
  try {
    existing = await readFile(file, 'utf8');
  } catch {
    existing = null;
  }
  if (existing !== null && !existing.includes(HOOK_MARKER)) {
    throw new UsageError(`${file} already exists and was not written by launchready; add "npx launchready secrets --staged" to it by hand`);
  }
  await mkdir(dir, { recursive: true });
  await writeFile(file, hookScript());
  await chmod(file, 0o755);
  return { path: file, action: existing === null ? 'created' : 'updated' };
}
