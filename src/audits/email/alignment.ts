/**
 * email/provider-misaligned: for each sending provider (configured, or recognised from SPF includes
 * and DKIM CNAMEs), are its documented SPF include, DKIM key and return-path records published, and
 * can its mail pass DMARC (RFC 7489 3.1: SPF on an aligned return-path, or an aligned DKIM
 * signature)? The evidence lists every missing record with the name and value to publish.
 *
 * Choices (docs/email.md):
 * - A provider whose return-path is its own bounce domain (SendGrid, Mailchimp, SES by default) never
 *   aligns SPF, so its SPF include is not required for DMARC; its DKIM key is.
 * - A subdomain return-path (Postmark pm-bounces, Resend send) aligns only under relaxed aspf.
 * - Severity: high when neither SPF nor DKIM can align (DMARC fails for that provider's mail);
 *   medium when a record is missing but the other mechanism still carries alignment.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import type { DkimSelectorInfo, EmailPosture } from './artifact.js';
import { isUnder, providerByName, type ProviderInfo } from './providers.js';
import type { SpfNode } from './spf/posture.js';

/** Every include/redirect target in an SPF tree (lower case), the top domain excluded. */
export function includeDomains(tree: SpfNode): string[] {
  const out = new Set<string>();
  const seen = new Set<SpfNode>();
  const walk = (n: SpfNode) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const t of n.terms) {
      if (!t.child) continue;
      out.add(t.child.domain.toLowerCase());
      walk(t.child);
    }
  };
  walk(tree);
  return [...out];
}

export interface MissingRecord {
  what: 'spf-include' | 'dkim' | 'return-path';
  /** DNS name where the record belongs. */
  name: string;
  /** What to publish there. */
  publish: string;
}

export interface ProviderAlignment {
  provider: string;
  source: string;
  returnPath: ProviderInfo['returnPath']['kind'];
  spfAligned: boolean;
  dkimAligned: boolean;
  missing: MissingRecord[];
}

function providerKeys(p: ProviderInfo, selectors: DkimSelectorInfo[]): DkimSelectorInfo[] {
  return selectors.filter(
    (s) => s.found && !s.revoked &&
      (p.dkimSelectors.includes(s.selector) || (p.selectorPattern?.test(s.selector) ?? false) ||
        (s.cname !== undefined && p.domains.some((d) => isUnder(s.cname!, d)))),
  );
}

/** Pure: the alignment of one provider on this posture. */
export function providerAlignment(email: EmailPosture, p: ProviderInfo, source: string): ProviderAlignment {
  const domain = email.domain;
  const missing: MissingRecord[] = [];
  const aspfStrict = email.dmarc.record?.aspf === 's';
  const includes = includeDomains(email.spf.posture.tree);
  let spfAligned = false;
  const rp = p.returnPath;
  if (rp.kind === 'domain' && p.spfInclude) {
    spfAligned = includes.some((d) => isUnder(d, p.spfInclude!));
    if (!spfAligned) missing.push({ what: 'spf-include', name: domain, publish: `include:${p.spfInclude} in the SPF record of ${domain}` });
  } else if (rp.kind === 'subdomain') {
    const found = email.returnPaths?.find((r) => r.provider === p.name);
    const name = `${rp.label}.${domain}`;
    const pointed = found?.targets.some((t) => isUnder(t, rp.target)) ?? false;
    if (!pointed) missing.push({ what: 'return-path', name, publish: `${rp.type} ${rp.type === 'MX' ? '10 ' : ''}${rp.target === 'amazonses.com' ? 'feedback-smtp.<region>.amazonses.com' : rp.target}` });
    // A CNAME return-path inherits the provider's SPF; an MX one needs its own record.
    const spfOk = rp.type === 'CNAME' || (found?.spf ?? '').toLowerCase().includes(`include:${p.spfInclude}`);
    if (pointed && !spfOk) missing.push({ what: 'spf-include', name, publish: `v=spf1 include:${p.spfInclude} ~all` });
    spfAligned = pointed && spfOk && !aspfStrict;
  }
  const dkimAligned = providerKeys(p, email.dkim.selectors).length > 0;
  if (!dkimAligned) {
    missing.push({ what: 'dkim', name: `${p.dkimSelectors[0]}._domainkey.${domain}`, publish: p.dkimHint.replaceAll('<domain>', domain) });
  }
  return { provider: p.name, source, returnPath: rp.kind, spfAligned, dkimAligned, missing };
}

export default defineAudit({
  meta: {
    id: 'email-provider-alignment',
    emits: ['email/provider-misaligned'],
    requiredArtifacts: ['email'],
    description: 'Each sending provider has its SPF include, DKIM key and return-path published and can pass DMARC',
  },
  audit({ email }) {
    const findings: FindingDraft[] = [];
    const known = email.providers.flatMap((x) => {
      const p = providerByName(x.name);
      return p ? [{ p, source: x.source }] : [];
    });
    if (known.length === 0) return { findings, notApplicable: `no known sending provider configured or recognised for ${email.domain}` };
    const results = known.map(({ p, source }) => providerAlignment(email, p, source));
    for (const r of results) {
      const aligned = r.spfAligned || r.dkimAligned;
      if (r.missing.length === 0 && aligned) continue;
      findings.push({
        rule: 'email/provider-misaligned', target: email.domain,
        severity: aligned ? 'medium' : 'high',
        evidence: { provider: r.provider, source: r.source, returnPath: r.returnPath, spfAligned: r.spfAligned, dkimAligned: r.dkimAligned, missing: r.missing },
        remediation: `For ${r.provider}, publish: ${r.missing.map((m) => `${m.name}: ${m.publish}`).join('; ')}.`,
      });
    }
    return {
      findings, targets: [email.domain],
      metrics: { emailProviders: results.map((r) => ({ provider: r.provider, source: r.source, spfAligned: r.spfAligned, dkimAligned: r.dkimAligned })) },
    };
  },
});
