/**
 * Public API of the package: `import { defineConfig } from 'launchready'` in launchready.config.ts,
 * plus the report types for scripts that read `--format json` output.
 */
export { defineConfig } from './config/schema.js';
export type { LaunchreadyConfig, LaunchreadyConfigInput } from './config/schema.js';
export type { Finding, Report, RuleDef, Severity, Stage, Verdict, LaunchStep } from './core/types.js';
