/**
 * Named error classes. Only src/cli/main.ts turns them into exit codes:
 * UsageError / ConfigError -> 2, anything else -> 3 (internal error, please report).
 */

export class LaunchreadyError extends Error {
  override name = 'LaunchreadyError';
  /** Process exit code this error maps to. */
  readonly exitCode: number = 3;
}

/** Bad command-line usage: unknown option, missing argument, bad value. Exit 2. */
export class UsageError extends LaunchreadyError {
  override name = 'UsageError';
  override readonly exitCode = 2;
}

/** One problem found in a config file. */
export interface ConfigIssue {
  /** Dotted path inside the config, e.g. `domains.apex`. Empty for the whole file. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** The config file cannot be used. Carries every problem at once. Exit 2. */
export class ConfigError extends LaunchreadyError {
  override name = 'ConfigError';
  override readonly exitCode = 2;
  constructor(
    readonly file: string | null,
    readonly issues: ConfigIssue[],
  ) {
    super(ConfigError.format(file, issues));
  }
  static format(file: string | null, issues: ConfigIssue[]): string {
    const where = file ?? '<config>';
    const lines = issues.map((i) => {
      const pos = i.line ? `${where}:${i.line}${i.column ? `:${i.column}` : ''}` : where;
      return `  ${pos}${i.path ? ` ${i.path}` : ''}: ${i.message}`;
    });
    return `invalid config (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
  }
}

/** A bug in launchready itself. Exit 3 with a "please report" hint. */
export class InternalError extends LaunchreadyError {
  override name = 'InternalError';
  override readonly exitCode = 3;
}

/** A run stopped by the user (Ctrl-C). Exit 130. */
export class AbortedError extends LaunchreadyError {
  override name = 'AbortedError';
  override readonly exitCode = 130;
}
