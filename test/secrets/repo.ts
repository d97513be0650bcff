/** Test helper: real temporary git repositories with fixed author and dates (never /work/main's git). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ada Tester',
  GIT_AUTHOR_EMAIL: 'ada@example.test',
  GIT_COMMITTER_NAME: 'Ada Tester',
  GIT_COMMITTER_EMAIL: 'ada@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export class TempRepo {
  readonly dir: string;
  private tick = 0;
  constructor(init = true) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'lr-secrets-'));
    if (init) this.git('init', '-q', '-b', 'main');
  }
  git(...args: string[]): string {
    const date = `2026-01-0${1 + (this.tick % 9)}T10:00:00Z`;
    return execFileSync('git', args, { cwd: this.dir, env: { ...ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }, encoding: 'utf8' });
  }
  write(rel: string, content: string | Buffer): this {
    const p = path.join(this.dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
    return this;
  }
  rm(rel: string): this {
    rmSync(path.join(this.dir, rel), { force: true });
    return this;
  }
  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    this.tick++;
    return this.git('rev-parse', 'HEAD').trim();
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
