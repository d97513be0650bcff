/**
 * The production names to check, derived from config.domains. No I/O: it is an artifact so that
 * audits declare it like any other input and are skipped cleanly when no domains are configured.
 */
import { domainToASCII } from 'node:url';
import { defineGatherer } from '../core/audit.js';
import type { NameTargets } from './artifacts.js';

/** Lower case, no trailing dot, IDN as punycode. */
export function normalizeName(name: string): string {
  const n = name.trim().replace(/\.$/, '').toLowerCase();
  return domainToASCII(n) || n;
}

export function targetsFromDomains(d: { apex: string; canonical?: string; subdomains?: string[]; staging?: string[] } | undefined): NameTargets {
  if (!d) return { apex: null, canonical: null, names: [], staging: [] };
  const apex = normalizeName(d.apex);
  const names: NameTargets['names'] = [{ name: apex, role: 'apex' }];
  const add = (name: string, role: 'www' | 'subdomain') => {
    if (!names.some((n) => n.name === name)) names.push({ name, role });
  };
  add(`www.${apex}`, 'www');
  for (const s of d.subdomains ?? []) {
    const n = normalizeName(s);
    add(n === apex || n.endsWith(`.${apex}`) ? n : `${n}.${apex}`, 'subdomain');
  }
  let canonical: string | null = null;
  if (d.canonical) {
    canonical = d.canonical.replace(/\/+$/, '');
    const host = normalizeName(new URL(d.canonical).hostname);
    add(host, host.startsWith('www.') ? 'www' : 'subdomain');
  }
    // Staging entries may be CIDR ranges or `*.pattern`s: only names go through IDN normalisation.
  const staging = (d.staging ?? []).map((s) => (/[/*]/.test(s) || /^[\d.:]+$/.test(s) ? s.trim().toLowerCase() : normalizeName(s)));
  return { apex, canonical, names, staging };
}

export default defineGatherer({
  id: 'targets',
  title: 'Reading production names from config',
  async gather(ctx) {
    if (!ctx.config.domains) return { error: { code: 'NOT_CONFIGURED', message: 'no domains in config (domains.apex)' } };
    return targetsFromDomains(ctx.config.domains);
  },
});
