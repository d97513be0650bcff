/**
 * Small artifact builders for audit tests (STYLE.md: builders, not big JSON fixtures).
 * Each returns a complete, valid artifact with sensible defaults; pass only what the case is about.
 */
import type { CertSummary, DnsAnswer, DnsRecord, HttpExchange, TlsSummary } from '../../src/net/types.js';
import type { DnsNameInfo, EdgeProbe } from '../../src/gather/artifacts.js';

export const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

export function answer(name: string, type: DnsAnswer['type'], records: DnsRecord[] = [], rcode: DnsAnswer['rcode'] = 'NOERROR'): DnsAnswer {
  return { name, type, rcode, answers: records, elapsedMs: 1 };
}

export function dnsInfo(name: string, o: { addresses?: string[]; rcode?: DnsAnswer['rcode']; cname?: string[]; caa?: DnsRecord[] | 'none' } = {}): DnsNameInfo {
  const addresses = o.addresses ?? ['203.0.113.10'];
  const chain: { from: string; to: string }[] = [];
  let cur = name;
  for (const t of o.cname ?? []) {
    chain.push({ from: cur, to: t });
    cur = t;
  }
  const cnameRecs: DnsRecord[] = chain.map((h) => ({ name: h.from, type: 'CNAME', ttl: 300, target: h.to }));
  const a = answer(name, 'A', [...cnameRecs, ...addresses.map((address) => ({ name: cur, type: 'A' as const, ttl: 300, address }))], o.rcode ?? 'NOERROR');
  return {
    name,
    cnameChain: chain,
    finalName: cur,
    a,
    aaaa: answer(name, 'AAAA', [], o.rcode ?? 'NOERROR'),
    addresses,
    ...(o.caa ? { caa: answer(name, 'CAA', o.caa === 'none' ? [] : o.caa) } : {}),
  };
}

export function exchange(url: string, o: Partial<HttpExchange> = {}): HttpExchange {
  return {
    url,
    method: 'GET',
    finalUrl: url,
    status: 200,
    headers: { 'content-type': 'text/html' },
    body: '<!doctype html><title>x</title>',
    bodyBytes: 31,
    truncated: false,
    redirects: [],
    timing: { totalMs: 10 },
    ...o,
  };
}

/** A name that redirects http -> https and serves HTTPS with strong HSTS. */
export function edgeProbe(name: string, o: { http?: Partial<HttpExchange>; https?: Partial<HttpExchange> } = {}): EdgeProbe {
  return {
    name,
    http: exchange(`http://${name}/`, {
      finalUrl: `https://${name}/`,
      redirects: [{ url: `http://${name}/`, status: 301, location: `https://${name}/` }],
      headers: { 'strict-transport-security': 'max-age=31536000' },
      ...o.http,
    }),
    https: exchange(`https://${name}/`, { headers: { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }, ...o.https }),
  };
}

export function cert(o: Partial<CertSummary> = {}): CertSummary {
  return {
    subject: 'CN=www.example.com',
    commonName: 'www.example.com',
    issuer: 'CN=Example CA',
    subjectAltNames: ['www.example.com'],
    validFrom: new Date(NOW - 30 * DAY).toISOString(),
    validTo: new Date(NOW + 60 * DAY).toISOString(),
    serialNumber: '01',
    fingerprint256: 'AA',
    keyType: 'EC',
    keyBits: 256,
    selfSigned: false,
    isCA: false,
    ...o,
  };
}

export function tlsSummary(host: string, o: Partial<TlsSummary> & { daysLeft?: number } = {}): TlsSummary {
  const { daysLeft, ...rest } = o;
  const leaf = cert({
    subject: `CN=${host}`,
    commonName: host,
    subjectAltNames: [host],
    ...(daysLeft !== undefined ? { validTo: new Date(NOW + daysLeft * DAY + 3_600_000).toISOString() } : {}),
  });
  return {
    host,
    port: 443,
    servername: host,
    protocol: 'TLSv1.3',
    authorized: true,
    hostnameMatches: true,
    chain: [leaf, cert({ subject: 'CN=Example CA', commonName: 'Example CA', isCA: true })],
    ocspStapled: false,
    elapsedMs: 5,
    ...rest,
  };
}

export const DAY_MS = DAY;

// ---------------------------------------------------------------- edge: targets, pages, assets

import { targetsFromDomains } from '../../src/gather/targets.js';
import { extractResources, isHtml, type AssetFetch, type PageFetch, type PagesArtifact } from '../../src/gather/pages.js';
import type { NameTargets } from '../../src/gather/artifacts.js';

/** Targets as the targets gatherer derives them from `domains`. */
export function nameTargets(apex: string, o: { canonical?: string; subdomains?: string[] } = {}): NameTargets {
  return targetsFromDomains({ apex, ...o });
}

/** A fetched page; pass `body` to have it parsed like the gatherer does. */
export function page(url: string, o: Partial<PageFetch> & { body?: string } = {}): PageFetch {
  const { body, ...rest } = o;
  const headers = rest.headers ?? { 'content-type': 'text/html; charset=utf-8' };
  const html = rest.html ?? isHtml(headers, body ?? '<!doctype html>');
  const parsed = body !== undefined && html ? extractResources(body, rest.finalUrl ?? url) : { resources: [], meta: { csp: [], referrer: [] } };
  return { url, source: 'canonical', finalUrl: url, status: 200, headers, html, truncated: false, ...parsed, ...rest };
}

export function asset(url: string, headers: Record<string, string | string[]> = {}, o: Partial<AssetFetch> = {}): AssetFetch {
  return { url, kind: 'script', page: 'https://www.example.com/', finalUrl: url, status: 200, headers, ...o };
}

export function pagesArtifact(pages: PageFetch[], assets: AssetFetch[] = []): PagesArtifact {
  return { pages, assets, notFetched: [] };
}

// ---------------------------------------------------------------- gatherer context
import type { GatherContext } from '../../src/core/audit.js';
import { configSchema, type LaunchreadyConfigInput } from '../../src/config/schema.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';

/** What the engine hands a gatherer, for calling one directly: parsed config, default network, no artifacts yet. */
export function gatherContext(input: LaunchreadyConfigInput, o: { baseDir?: string; now?: () => number } = {}): GatherContext {
  return {
    config: configSchema.parse(input),
    baseDir: o.baseDir ?? '.',
    net: createNet(defaultNetOptions()),
    signal: new AbortController().signal,
    progress: { update() {} },
    now: o.now ?? (() => Date.now()),
    artifacts: {},
  };
}
