/**
 * Process state reaches commands through one object (k6's GlobalState), so command tests run
 * in-process with fake streams and env.
 */
export interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliContext {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  now(): number;
}

export function processContext(signal: AbortSignal): CliContext {
  return { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr, signal, now: Date.now };
}
