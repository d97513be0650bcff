/**
 * Registration data of the apex through RDAP (RFC 9082 query path, RFC 9083 JSON), fetched with
 * ctx.net.http from the registry base URL in config `domains.rdap`. The IANA bootstrap file
 * (RFC 9224) would find the registry by TLD, but fetching it needs the internet; an explicit base
 * URL keeps the check offline-testable and is one line of config.
 */
import { defineGatherer, type ArtifactError } from '../core/audit.js';
import type { RdapFacts } from './artifacts.js';

interface RdapEvent {
  eventAction?: unknown;
  eventDate?: unknown;
}
interface RdapEntity {
  roles?: unknown;
  vcardArray?: unknown;
  handle?: unknown;
}

/** `fn` of a jCard (RFC 7095): ["vcard", [["version",{},"text","4.0"], ["fn",{},"text","Name"]]]. */
function vcardName(v: unknown): string | undefined {
  if (!Array.isArray(v) || !Array.isArray(v[1])) return undefined;
  for (const prop of v[1] as unknown[]) {
    if (Array.isArray(prop) && prop[0] === 'fn' && typeof prop[3] === 'string') return prop[3];
  }
  return undefined;
}

function isoOrUndefined(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The fields we use from an RDAP domain object; anything malformed is left out, never thrown. */
export function parseRdapDomain(json: unknown): Omit<RdapFacts, 'domain' | 'url' | 'status'> {
  if (typeof json !== 'object' || json === null) return { problem: 'RDAP answer is not a JSON object' };
  const o = json as Record<string, unknown>;
  const events = Array.isArray(o.events) ? (o.events as RdapEvent[]) : [];
  const date = (action: string) => isoOrUndefined(events.find((e) => e && e.eventAction === action)?.eventDate);
  const entities = Array.isArray(o.entities) ? (o.entities as RdapEntity[]) : [];
  const registrarEntity = entities.find((e) => Array.isArray(e?.roles) && (e.roles as unknown[]).includes('registrar'));
  const registrar = registrarEntity ? (vcardName(registrarEntity.vcardArray) ?? (typeof registrarEntity.handle === 'string' ? registrarEntity.handle : undefined)) : undefined;
  const status = Array.isArray(o.status) ? (o.status as unknown[]).filter((s): s is string => typeof s === 'string') : undefined;
  const ns = Array.isArray(o.nameservers)
    ? (o.nameservers as { ldhName?: unknown }[]).flatMap((n) => (typeof n?.ldhName === 'string' ? [n.ldhName.toLowerCase().replace(/\.$/, '')] : []))
    : undefined;
  const expiresAt = date('expiration');
  const registeredAt = date('registration');
  return {
    ...(expiresAt ? { expiresAt } : {}),
    ...(registeredAt ? { registeredAt } : {}),
    ...(registrar ? { registrar } : {}),
    ...(status?.length ? { domainStatus: status } : {}),
    ...(ns?.length ? { nameservers: ns } : {}),
  };
}

export function rdapUrl(base: string, domain: string): string {
  return `${base.replace(/\/+$/, '')}/domain/${encodeURIComponent(domain)}`;
}

export default defineGatherer({
  id: 'rdap',
  title: 'Looking up the domain registration (RDAP)',
  dependsOn: ['targets'],
  async gather(ctx): Promise<RdapFacts | ArtifactError> {
    const t = ctx.artifacts.targets;
    if (!t || 'error' in t || !t.apex) return { error: { code: 'NOT_CONFIGURED', message: 'no domains in config' } };
    const base = ctx.config.domains?.rdap;
    if (!base) return { error: { code: 'NOT_CONFIGURED', message: 'set domains.rdap (the registry RDAP base URL) to check registration expiry' } };
    const url = rdapUrl(base, t.apex);
    const x = await ctx.net.http.request({ url, headers: { accept: 'application/rdap+json, application/json' }, maxRedirects: 3, signal: ctx.signal });
    if (x.status === 0) return { error: { code: 'RDAP_UNREACHABLE', message: `RDAP ${url}: ${x.error?.code ?? 'ERROR'} ${x.error?.message ?? ''}`.trim() } };
    const facts: RdapFacts = { domain: t.apex, url, status: x.status };
    if (x.status !== 200) return facts;
    let json: unknown;
    try {
      json = JSON.parse(x.body);
    } catch {
      return { ...facts, problem: x.truncated ? 'RDAP answer too large (truncated)' : 'RDAP answer is not JSON' };
    }
    return { ...facts, ...parseRdapDomain(json) };
  },
});
