/** security/oversized-body-accepted and security/malformed-input-5xx: the payload probes. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { rejectedAsTooLarge } from '../../probe/payloads.js';
import { limitSignal } from '../../probe/ratelimit.js';
import { skippedReason } from './shared.js';

export const oversized = defineAudit({
  meta: {
    id: 'security-oversized-body',
    emits: ['security/oversized-body-accepted'],
    requiredArtifacts: ['security'],
    description: 'Endpoints refuse bodies over security.bodyLimitBytes with 413',
  },
  audit({ security: a }) {
    // No response (connection cut while uploading) is a refusal; a rate-limited answer says nothing.
    const probes = a.payloads.filter((p) => p.kind === 'oversized' && p.exchange.status > 0 && !limitSignal(p.exchange));
    if (!probes.length) return { findings: [], notApplicable: skippedReason(a, 'oversized-body') ?? 'no endpoint with a request body in security.endpoints' };
    const findings: FindingDraft[] = [];
    for (const p of probes) {
      if (rejectedAsTooLarge(p.exchange.status, p.exchange.body)) continue;
      findings.push({ rule: 'security/oversized-body-accepted', target: p.url, evidence: { limit: p.limit, sentBytes: p.exchange.requestBytes, status: p.exchange.status } });
    }
    return { findings, targets: probes.map((p) => p.url) };
  },
});

export const malformed = defineAudit({
  meta: {
    id: 'security-malformed-input',
    emits: ['security/malformed-input-5xx'],
    requiredArtifacts: ['security'],
    description: 'Malformed JSON, wrong content types, deep nesting and __proto__ keys get a 4xx, not a 5xx',
  },
  audit({ security: a }) {
    const probes = a.payloads.filter((p) => p.kind !== 'oversized' && p.exchange.status > 0);
    if (!probes.length) return { findings: [], notApplicable: skippedReason(a, 'malformed-input') ?? 'no endpoint with a request body in security.endpoints' };
    const findings: FindingDraft[] = [];
    for (const url of new Set(probes.map((p) => p.url))) {
      const bad = probes.filter((p) => p.url === url && p.exchange.status >= 500);
      if (!bad.length) continue;
      findings.push({
        rule: 'security/malformed-input-5xx',
        target: url,
        evidence: { inputs: bad.map((p) => ({ kind: p.kind, contentType: p.exchange.requestHeaders['content-type'], status: p.exchange.status })) },
      });
    }
    return { findings, targets: [...new Set(probes.map((p) => p.url))] };
  },
});
