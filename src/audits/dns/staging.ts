/**
 * Staging declarations (config domains.staging) and the look-alike heuristics of
 * dns/points-to-staging. Pure: shared by the zone gatherer (which resolves declared hosts) and
 * the audit.
 *
 * Read from the raw config, not NameTargets.staging: that list is IDN-normalised with
 * domainToASCII, which turns "10.0.0.0/8" into "10.0.0.0" and would widen nothing but silently
 * narrow a CIDR to one address.
 */
import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export type StagingEntry =
  | { kind: 'host'; raw: string; host: string }
  | { kind: 'pattern'; raw: string; re: RegExp }
  | { kind: 'address'; raw: string; address: string }
  | { kind: 'cidr'; raw: string; list: BlockList };

/** Lower case, no trailing dot, IDN as punycode (the form DNS answers use). */
function asciiName(n: string): string {
  const s = n.trim().replace(/\.$/, '').toLowerCase();
  return /[^\x00-\x7f]/.test(s) ? domainToASCII(s) || s : s;
}

/** `*.vercel.app` matches any depth below vercel.app; any other `*` stays within one label. */
export function globToRegExp(glob: string): RegExp {
  const g = asciiName(glob);
  const esc = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*');
  if (g.startsWith('*.')) return new RegExp(`^(?:[^.]+\\.)+${esc(g.slice(2))}$`);
  return new RegExp(`^${esc(g)}$`);
}

/** Classifies each configured staging entry; entries that are none of the four are ignored. */
export function parseStaging(entries: readonly string[]): StagingEntry[] {
  const out: StagingEntry[] = [];
  for (const raw of entries) {
    const e = raw.trim();
    const slash = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(e);
    if (slash && isIP(slash[1]!)) {
      const fam = isIP(slash[1]!) === 4 ? 'ipv4' : 'ipv6';
      const prefix = Number(slash[2]);
      if (prefix > (fam === 'ipv4' ? 32 : 128)) continue;
      const list = new BlockList();
      list.addSubnet(slash[1]!, prefix, fam);
      out.push({ kind: 'cidr', raw: e, list });
    } else if (isIP(e)) {
      out.push({ kind: 'address', raw: e, address: e.toLowerCase() });
    } else if (e.includes('*')) {
      out.push({ kind: 'pattern', raw: e, re: globToRegExp(e) });
    } else if (e) {
      out.push({ kind: 'host', raw: e, host: asciiName(e) });
    }
  }
  return out;
}

/** Declared host names to resolve (the zone gatherer looks their addresses up). */
export function stagingHosts(entries: readonly string[]): string[] {
  return parseStaging(entries).flatMap((e) => (e.kind === 'host' ? [e.host] : []));
}

export function addressMatches(e: StagingEntry, address: string): boolean {
  const fam = isIP(address);
  if (!fam) return false;
  if (e.kind === 'address') return e.address === address.toLowerCase();
  if (e.kind === 'cidr') return e.list.check(address, fam === 4 ? 'ipv4' : 'ipv6');
  return false;
}

export function nameMatches(e: StagingEntry, name: string): boolean {
  if (e.kind === 'host') return e.host === name;
  if (e.kind === 'pattern') return e.re.test(name);
  return false;
}

/**
 * Why a CNAME target looks like a preview or staging deployment, or null.
 * - Vercel: preview URLs are `<project>-git-<branch>-<team>.vercel.app` or
 *   `<project>-<9-char hash>-<team>.vercel.app`; production is `<project>.vercel.app` or a custom domain.
 * - Netlify: deploy previews and branch deploys are `<prefix>--<site>.netlify.app`.
 * - Heroku: review/staging apps conventionally carry "staging" in the app name.
 * - Any provider: a label `staging`, `*-staging` or `staging-*`.
 */
export function previewLike(name: string): string | null {
  const labels = name.split('.');
  const first = labels[0] ?? '';
  if (name.endsWith('.vercel.app') && labels.length === 3) {
    if (first.includes('-git-')) return 'vercel-branch-preview';
    if (first.split('-').some((seg) => /^[a-z0-9]{8,10}$/.test(seg) && /[0-9]/.test(seg) && /[a-z]/.test(seg))) return 'vercel-deployment-preview';
  }
  if (name.endsWith('.netlify.app') && first.includes('--')) return 'netlify-deploy-preview';
  if (name.endsWith('.herokuapp.com') && first.includes('staging')) return 'heroku-staging-app';
  if (labels.slice(0, -1).some((l) => l === 'staging' || l.endsWith('-staging') || l.startsWith('staging-'))) return 'staging-name';
  return null;
}
