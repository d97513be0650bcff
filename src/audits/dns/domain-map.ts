/**
 * The domain map: each production name -> records -> CNAME chain -> addresses -> hosting
 * provider -> edge (CDN / proxy, from the edge gatherer's responses) -> certificate, plus the
 * apex's NS/SOA and DNS provider. Hosting falls back to the platform's response headers when DNS
 * does not tell (an A record to an anycast address with `x-vercel-id` in the answer). Pure; published as
 * `metrics.domainMap` so reports and the handover pack can print it.
 */
import { domainToUnicode } from 'node:url';
import type { DnsNameInfo, EdgeProbe, NameTargets, TlsNameSummary, ZoneFacts } from '../../gather/artifacts.js';
import { edgeOfProbe } from '../edge/cdn.js';
import { acmeIssuer } from '../tls/acme.js';
import { isLoop } from './dangling-cname.js';
import { dnsProviderOf, hostingOf, type HostingMatch } from './hosting.js';

const DAY_MS = 86_400_000;

export interface DomainMapEntry {
  name: string;
  /** Unicode form when the name is an IDN (punycode in `name`). */
  unicode?: string;
  role: 'apex' | 'www' | 'subdomain';
  /** rcode of the A query (NOERROR, NXDOMAIN, SERVFAIL, TIMEOUT...). */
  rcode: string;
  cnameChain: string[];
  cnameLoop?: true;
  addresses: string[];
  ptr?: Record<string, string[]>;
  hosting?: HostingMatch;
  /** CDN / edge proxy in front of the name, and what showed it (`header cf-ray`); absent when none answered or none was recognised. */
  edge?: { provider: string; by: string };
  certificate?: {
    issuer: string;
    acmeIssuer?: string;
    validTo: string;
    daysLeft: number;
    subjectAltNames: string[];
    protocol?: string;
    legacyProtocols?: string[];
  };
  /** The TLS handshake failed (code). */
  tlsError?: string;
}

export interface DomainMap {
  apex: string | null;
  dnsProvider?: string;
  ns: string[];
  soa?: { mname: string; rname: string; serial: number };
  names: DomainMapEntry[];
}

function cnOf(dn: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1] ?? /(?:^|,\s*)O=([^,]+)/.exec(dn)?.[1] ?? dn;
}

export function buildDomainMap(targets: NameTargets, dns: DnsNameInfo[], zone: ZoneFacts, tls: TlsNameSummary[], now: number, edge: readonly EdgeProbe[] = []): DomainMap {
  const ns = (zone.ns?.answers ?? []).flatMap((r) => (r.type === 'NS' ? [r.target] : []));
  const soaRec = zone.soa?.answers.find((r) => r.type === 'SOA');
  const names: DomainMapEntry[] = targets.names.map((t) => {
    const d = dns.find((x) => x.name === t.name);
    const uni = t.name.split('.').some((l) => l.startsWith('xn--')) ? domainToUnicode(t.name) : '';
    const e: DomainMapEntry = { name: t.name, ...(uni && uni !== t.name ? { unicode: uni } : {}), role: t.role, rcode: d?.a.rcode ?? 'NOT_QUERIED', cnameChain: [], addresses: [] };
    const probe = edge.find((p) => p.name === t.name);
    const answered = probe ? [probe.https, probe.http].filter((x) => x.status > 0) : [];
    if (d) {
      e.cnameChain = d.cnameChain.map((h) => h.to);
      if (isLoop(d)) e.cnameLoop = true;
      e.addresses = d.addresses;
      const ptr = Object.fromEntries(d.addresses.filter((a) => zone.ptr[a]?.length).map((a) => [a, zone.ptr[a]!]));
      if (Object.keys(ptr).length) e.ptr = ptr;
      const h = hostingOf({ cnames: e.cnameChain, addresses: d.addresses, ptr: Object.values(ptr).flat(), headers: answered.map((x) => x.headers) });
      if (h) e.hosting = h;
    }
    if (probe) {
      const det = edgeOfProbe(probe, d?.addresses ?? []).detection;
      if (det) e.edge = { provider: det.name, by: det.by };
    }
    const s = tls.find((x) => x.host === t.name);
    const leaf = s?.chain[0];
    if (s && leaf) {
      const legacy = s.legacy ? [...(s.legacy.tls1_0 ? ['TLSv1'] : []), ...(s.legacy.tls1_1 ? ['TLSv1.1'] : [])] : [];
      const acme = acmeIssuer(leaf.issuer);
      e.certificate = {
        issuer: cnOf(leaf.issuer),
        ...(acme ? { acmeIssuer: acme } : {}),
        validTo: leaf.validTo,
        daysLeft: Math.floor((Date.parse(leaf.validTo) - now) / DAY_MS),
        subjectAltNames: leaf.subjectAltNames.slice(0, 20),
        ...(s.protocol ? { protocol: s.protocol } : {}),
        ...(legacy.length ? { legacyProtocols: legacy } : {}),
      };
    } else if (s?.error) {
      e.tlsError = s.error.code;
    }
    return e;
  });
  const dnsProvider = dnsProviderOf(ns);
  return {
    apex: targets.apex,
    ...(dnsProvider ? { dnsProvider } : {}),
    ns,
    ...(soaRec && soaRec.type === 'SOA' ? { soa: { mname: soaRec.mname, rname: soaRec.rname, serial: soaRec.serial } } : {}),
    names,
  };
}
