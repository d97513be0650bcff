/** Runs the CLI in-process with captured streams (STYLE.md convention 9). */
import { run } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; signal?: AbortSignal; isTTY?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd: opts.cwd ?? process.cwd(),
    env: { CI: 'true', ...opts.env },
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.isTTY ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    signal: opts.signal ?? new AbortController().signal,
    now: Date.now,
  };
  const code = await run(argv, ctx);
  return { code, stdout, stderr };
}
