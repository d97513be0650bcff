/** Helpers shared by the env audits (pure). */
import type { EnvEntry, EnvFileInfo, EnvFilesArtifact } from '../../secrets/types.js';

/** Deployed environments, compared with each other. */
export const PRODUCTION = 'production';
export const STAGING = 'staging';

/** Real (non-example) files that parsed. */
export function realFiles(a: EnvFilesArtifact): EnvFileInfo[] {
  return a.files.filter((f) => !f.isExample && !f.parseError);
}

/** Entries of one environment, merged over its files in order (`.env.production.local` overrides). */
export function envEntries(a: EnvFilesArtifact, env: string): { files: string[]; entries: Map<string, EnvEntry> } | null {
  const files = realFiles(a).filter((f) => f.env === env);
  if (files.length === 0) return null;
  const entries = new Map<string, EnvEntry>();
  for (const f of files) for (const e of f.entries) entries.set(e.key, e);
  return { files: files.map((f) => f.path), entries };
}

/** Host matches a config.domains.staging entry: exact, `*.suffix`, or a bare suffix label. */
export function matchesHostPattern(host: string, pattern: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  if (p.startsWith('*.')) return host.endsWith(p.slice(1));
  return host === p;
}
