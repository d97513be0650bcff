/** email/spf-*: SPF record presence, validity, RFC 7208 4.6.4 lookup cost and permissiveness. */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { providerByName } from './providers.js';

const OK_RCODES = new Set(['NOERROR', 'NXDOMAIN']);
/** RFC 7208 4.6.4 limits. */
const MAX_LOOKUPS = 10;
const MAX_VOID = 2;

export default defineAudit({
  meta: {
    id: 'email-spf',
    emits: ['email/spf-missing', 'email/spf-invalid', 'email/spf-too-many-lookups', 'email/spf-permissive'],
    requiredArtifacts: ['email'],
    description: 'SPF record present, valid, within 10 lookups and not permissive',
  },
  audit({ email }) {
    const { posture, rcode } = email.spf;
    const target = email.domain;
    if (!OK_RCODES.has(rcode)) return { findings: [], notApplicable: `TXT query for ${target} failed: ${rcode}` };
    const findings: FindingDraft[] = [];
    const tree = posture.tree;
    if (tree.status === 'none') {
      const includes = email.providers.flatMap((p) => {
        const info = providerByName(p.name);
        return info?.spfInclude ? [`include:${info.spfInclude}`] : [];
      });
      const record = ['v=spf1', ...(email.mx.hosts.length && !email.mx.nullMx ? ['mx'] : []), ...includes, '-all'].join(' ');
      findings.push({
        rule: 'email/spf-missing', target, evidence: { name: target },
        remediation: `Publish one TXT record at ${target}: \`${record}\` (add every other service that sends as ${target}).`,
      });
      return { findings, targets: [target] };
    }
    const invalid = posture.errors.filter((e) => e.status !== 'loop' && e.status !== 'too-deep');
    if (invalid.length) {
      const first = invalid[0]!;
      findings.push({
        rule: 'email/spf-invalid', target,
        evidence: { domain: first.domain, status: first.status, message: first.message, ...(first.pos !== undefined ? { pos: first.pos } : {}), errors: invalid.length },
      });
    }
    if (posture.lookups > MAX_LOOKUPS || posture.voidLookups > MAX_VOID || posture.loop) {
      findings.push({
        rule: 'email/spf-too-many-lookups', target,
        evidence: {
          lookups: posture.lookups, voidLookups: posture.voidLookups, loop: posture.loop,
          costliestChain: posture.costliestChain.map((c) => `${c.domain} (${c.lookups})`),
        },
      });
    }
    if (posture.permissive.length) {
      findings.push({ rule: 'email/spf-permissive', target, evidence: { terms: posture.permissive } });
    }
    return { findings, targets: [target], metrics: { spf: { lookups: posture.lookups, networks: posture.networks.length } } };
  },
});
