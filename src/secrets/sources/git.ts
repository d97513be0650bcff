/** Running git: the only place the secret sources spawn processes. */
import { execFile } from 'node:child_process';

/** A git command failed (not a repo, bad ref...). */
export class GitError extends Error {
  override name = 'GitError';
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly code: number | null,
  ) {
    super(`git ${args.join(' ')} failed${code !== null ? ` (exit ${code})` : ''}: ${stderr.trim().split('\n')[0] ?? ''}`);
  }
}

/** Environment for every git child: no prompts, no pager, stable output. */
export function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' };
}

/** Run git in `cwd`, returning stdout as a Buffer (-z output is binary-safe). */
export function git(cwd: string, args: string[], maxBuffer = 512 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'core.quotePath=false', ...args], { cwd, env: gitEnv(), maxBuffer, encoding: 'buffer' }, (err, stdout, stderr) => {
      if (err) {
        const code = typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null;
        reject(new GitError(args, stderr.toString('utf8') || err.message, code));
      } else resolve(stdout);
    });
  });
}

/** NUL-separated output to a list (empty entries dropped). */
export function splitZ(buf: Buffer): string[] {
  return buf.toString('utf8').split('\0').filter((s) => s.length > 0);
}

/** True when `dir` is inside a git work tree (and git is installed). */
export async function isGitWorkTree(dir: string): Promise<boolean> {
  try {
    return (await git(dir, ['rev-parse', '--is-inside-work-tree'])).toString().trim() === 'true';
  } catch {
    return false;
  }
}

/** Looks like binary content: a NUL byte in the first 8000 bytes (git's own heuristic). */
export function looksBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8000);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}
