/**
 * Accepted risks: `.launchready/accepted.json` beside the config (meant to be reviewed into git).
 * An acceptance names a rule and optionally one target or one finding fingerprint, with a reason,
 * who accepted it, when, and optionally until when. The engine marks matching findings `deferred`
 * (they leave the score, the verdict and the launch sequence, and are listed in the pack); an
 * acceptance past its `until` date no longer applies, so the finding comes back by itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import type { Finding } from '../core/types.js';
import { writeAtomic } from '../cli/output.js';

export const ACCEPTED_FILE = join('.launchready', 'accepted.json');

const dateSchema = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), 'expected a date such as 2027-01-31');

export const acceptanceSchema = z.strictObject({
  rule: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'expected a rule id such as dns/caa-missing'),
  target: z.string().min(1).optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{8,64}$/).optional(),
  reason: z.string().trim().min(1, 'a reason is required'),
  by: z.string().min(1),
  at: dateSchema,
  until: dateSchema.optional(),
});
export type Acceptance = z.infer<typeof acceptanceSchema>;

const fileSchema = z.strictObject({ version: z.literal(1), accepted: z.array(acceptanceSchema) });

/** Reads the acceptances of a project (`[]` when the file does not exist). */
export function readAcceptances(baseDir: string): Acceptance[] {
  const file = join(baseDir, ACCEPTED_FILE);
  if (!existsSync(file)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(file, [{ path: '', message: `not valid JSON (${(e as Error).message})` }]);
  }
  const r = fileSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ConfigError(file, [{ path: i.path.join('.'), message: i.message }]);
  }
  return r.data.accepted;
}

export function writeAcceptances(baseDir: string, accepted: Acceptance[]): string {
  const file = join(baseDir, ACCEPTED_FILE);
  writeAtomic(file, JSON.stringify({ version: 1, accepted }, null, 2) + '\n');
  return file;
}

/** End of the `until` day (a bare date means "through that day", UTC). */
export function untilMs(until: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(until) ? Date.parse(`${until}T23:59:59.999Z`) : Date.parse(until);
}

export function isExpired(a: Acceptance, now: number): boolean {
  return a.until !== undefined && untilMs(a.until) < now;
}

export function matches(a: Acceptance, f: Pick<Finding, 'id' | 'target' | 'fingerprint'>): boolean {
  if (a.rule !== f.id) return false;
  if (a.fingerprint && !f.fingerprint.startsWith(a.fingerprint)) return false;
  if (a.target && a.target !== f.target) return false;
  return true;
}

/**
 * Marks findings covered by a live acceptance as deferred (in place, pure otherwise). Returns what
 * was applied and which acceptances have expired (their findings count again).
 */
export function applyAcceptances(
  findings: Finding[],
  accepted: readonly Acceptance[],
  now: number,
): { applied: number; expired: { rule: string; target?: string; until: string }[]; unused: number } {
  const live = accepted.filter((a) => !isExpired(a, now));
  const used = new Set<Acceptance>();
  let applied = 0;
  for (const f of findings) {
    // The most specific acceptance wins: fingerprint, then target, then the whole rule.
    const a = live
      .filter((x) => matches(x, f))
      .sort((x, y) => Number(!!y.fingerprint) - Number(!!x.fingerprint) || Number(!!y.target) - Number(!!x.target))[0];
    if (!a) continue;
    used.add(a);
    f.deferred = { reason: a.reason, by: a.by, ...(a.until ? { until: a.until } : {}) };
    applied++;
  }
  const expired = accepted.filter((a) => isExpired(a, now)).map((a) => ({ rule: a.rule, ...(a.target ? { target: a.target } : {}), until: a.until! }));
  return { applied, expired, unused: live.filter((a) => !used.has(a)).length };
}
