/** Helpers shared by the three secrets audits (pure). */
import type { Severity } from '../../core/types.js';
import { RULES_BY_ID } from '../../secrets/rules.js';
import type { RawHit } from '../../secrets/types.js';

/** Evidence for one hit: provider, kind, fingerprint and at most 4 characters. */
export function hitEvidence(h: RawHit): Record<string, unknown> {
  const rotateUrl = RULES_BY_ID.get(h.rule)?.rotateUrl;
  const e: Record<string, unknown> = { detector: h.rule, provider: h.provider, kind: h.kind, fingerprint: h.fingerprint, redacted: h.redacted };
  if (rotateUrl) e.rotateUrl = rotateUrl;
  if (h.testKey) e.testKey = true;
  return e;
}

/** Remediation naming the provider and its rotation page (the rule text stays the generic fallback). */
export function rotateRemediation(h: RawHit, then: string): string {
  const url = RULES_BY_ID.get(h.rule)?.rotateUrl;
  return `Rotate this ${h.provider} ${h.kind} now${url ? ` (${url})` : ''}; ${then}`;
}

/** Lower, never hide: test fixtures and test-mode keys are medium. */
export function graded(base: Severity, h: RawHit & { fixture?: boolean }): Severity {
  return h.testKey || h.fixture ? 'medium' : base;
}
