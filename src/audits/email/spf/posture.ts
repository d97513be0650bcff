/**
 * SPF posture of a domain, without a client IP: the include/redirect tree, the RFC 7208 4.6.4
 * lookup cost of every branch, the chain that costs most, the fully expanded authorised networks,
 * and what makes the policy permissive (+all, ?all, huge ranges).
 *
 * Counting follows 4.6.4 as an evaluation that reaches every term would: include, a, mx, ptr,
 * exists and redirect cost one each; an include costs one plus its own subtree every time it is
 * referenced (an include reached twice is resolved once here, thanks to the memo, but counted
 * twice, as a real evaluation would). redirect= is ignored when the record has an `all` (6.1).
 * Terms whose domain-spec needs the sender or IP (macros other than %{d}) cost one and cannot be
 * followed; they are listed as `unresolved`.
 *
 * All output is plain JSON (it goes into the `email` artifact).
 */
import type { DnsClient, DnsRecord } from '../../../net/types.js';
import { isValidDomain } from './check-host.js';
import { expandTokens, type MacroContext } from './macro.js';
import { parseRecord, selectRecord, type DomainSpec, type Qualifier } from './parse.js';

export interface SpfNetwork {
  /** `192.0.2.0/24` or `2001:db8::/32`. */
  network: string;
  family: 4 | 6;
  prefix: number;
  /** The term that authorises it, and the domains from the top record down to it. */
  term: string;
  via: string[];
}

export interface SpfTermInfo {
  text: string;
  kind: string;
  qualifier?: Qualifier;
  /** DNS-querying terms this term costs, subtree included. */
  lookups: number;
  /** Void lookups seen while expanding this term. */
  voidLookups: number;
  /** Set for include/redirect: the child record. */
  child?: SpfNode;
  /** The domain-spec needs sender/IP macros: not followed. */
  unresolved?: boolean;
  /** A DNS error (timeout, SERVFAIL) while expanding this term. */
  dnsError?: string;
}

export type SpfNodeStatus = 'ok' | 'none' | 'multiple' | 'syntax' | 'dns-error' | 'loop' | 'malformed-domain' | 'too-deep';

export interface SpfNode {
  domain: string;
  status: SpfNodeStatus;
  record?: string;
  error?: { message: string; pos?: number };
  terms: SpfTermInfo[];
  /** Total cost of this record per 4.6.4 (its own DNS terms plus every subtree). */
  lookups: number;
  voidLookups: number;
}

export interface SpfPermissive {
  reason: 'pass-all' | 'neutral-all' | 'huge-range';
  term: string;
  domain: string;
  /** For huge-range: the network. */
  network?: string;
}

export interface SpfPosture {
  domain: string;
  /** The top record, null when the domain has none (or several). */
  record: string | null;
  tree: SpfNode;
  lookups: number;
  voidLookups: number;
  /** Domains from the top record down the most expensive include/redirect path (term texts between). */
  costliestChain: { domain: string; term?: string; lookups: number }[];
  networks: SpfNetwork[];
  permissive: SpfPermissive[];
  /** The effective default for unlisted senders: the `all` qualifier of the record (after redirects). */
  allQualifier: Qualifier | null;
  /** Every problem anywhere in the tree that an evaluation reaching it would turn into a permerror/temperror. */
  errors: { domain: string; status: SpfNodeStatus; message: string; pos?: number }[];
  unresolved: { domain: string; term: string }[];
  /** Include/redirect loop found (an evaluation would hit the lookup limit). */
  loop: boolean;
}

export interface PostureOptions {
  dns: DnsClient;
  /** ip4 prefixes at or below this length count as huge. Default 8 (16.7 M addresses). */
  hugeIpv4Prefix?: number;
  /** ip6 prefixes at or below this length count as huge. Default 32. */
  hugeIpv6Prefix?: number;
  /** Bound on distinct records fetched. Default 64. */
  maxRecords?: number;
}

const MAX_DEPTH = 12;

interface Walk {
  opts: PostureOptions;
  memo: Map<string, Promise<SpfNode>>;
  fetched: number;
}

/** Expands a domain-spec that only uses %{d} (and escapes); undefined when it needs the sender/IP. */
async function staticDomain(spec: DomainSpec | undefined, domain: string): Promise<string | undefined> {
  if (!spec) return domain;
  if (spec.tokens.some((t) => t.kind === 'macro' && t.letter !== 'd')) return undefined;
  const ctx = { d: domain } as unknown as MacroContext;
  let name = await expandTokens(spec.tokens, ctx);
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name.toLowerCase();
}

async function addresses(dns: DnsClient, name: string): Promise<{ recs: DnsRecord[]; void: boolean; error?: string }> {
  const [a, aaaa] = await Promise.all([dns.query(name, 'A'), dns.query(name, 'AAAA')]);
  const bad = [a, aaaa].find((x) => x.rcode !== 'NOERROR' && x.rcode !== 'NXDOMAIN');
  if (bad) return { recs: [], void: false, error: `${bad.type} ${name}: ${bad.rcode}` };
  const recs = [...a.answers, ...aaaa.answers].filter((r) => r.type === 'A' || r.type === 'AAAA');
  return { recs, void: recs.length === 0 };
}

function netOf(r: DnsRecord, cidr4: number, cidr6: number): { network: string; family: 4 | 6; prefix: number } | null {
  if (r.type === 'A') return { network: `${r.address}/${cidr4}`, family: 4, prefix: cidr4 };
  if (r.type === 'AAAA') return { network: `${r.address}/${cidr6}`, family: 6, prefix: cidr6 };
  return null;
}

async function buildNode(w: Walk, domain: string, chain: string[]): Promise<SpfNode> {
  const node: SpfNode = { domain, status: 'ok', terms: [], lookups: 0, voidLookups: 0 };
  if (!isValidDomain(domain)) return { ...node, status: 'malformed-domain', error: { message: `malformed domain "${domain}"` } };
  if (chain.includes(domain)) return { ...node, status: 'loop', error: { message: `loop: ${[...chain, domain].join(' -> ')}` } };
  if (chain.length > MAX_DEPTH) return { ...node, status: 'too-deep', error: { message: 'nesting deeper than 12' } };
  if (++w.fetched > (w.opts.maxRecords ?? 64)) {
    return { ...node, status: 'too-deep', error: { message: 'too many records in the tree' } };
  }
  const ans = await w.opts.dns.query(domain, 'TXT');
  if (ans.rcode !== 'NOERROR' && ans.rcode !== 'NXDOMAIN') {
    return { ...node, status: 'dns-error', error: { message: `TXT ${domain}: ${ans.rcode}` } };
  }
  const sel = selectRecord(ans.answers.flatMap((r) => (r.type === 'TXT' ? [r.strings] : [])));
  if (sel.kind === 'none') return { ...node, status: 'none', error: { message: `no SPF record at ${domain}` } };
  if (sel.kind === 'many') {
    return { ...node, status: 'multiple', error: { message: `${sel.texts.length} SPF records at ${domain}` } };
  }
  node.record = sel.text;
  const parsed = parseRecord(sel.text);
  if (!parsed.ok) return { ...node, status: 'syntax', error: { message: parsed.error.message, pos: parsed.error.pos } };
  const rec = parsed.record;
  const here = [...chain, domain];

  const dnsTerms = rec.directives.map(async (d): Promise<SpfTermInfo> => {
    const m = d.mechanism;
    const info: SpfTermInfo = { text: d.text, kind: m.kind, qualifier: d.qualifier, lookups: 0, voidLookups: 0 };
    if (m.kind === 'all' || m.kind === 'ip4' || m.kind === 'ip6') return info;
    info.lookups = 1;
    const target = await staticDomain('domain' in m ? m.domain : undefined, domain);
    if (target === undefined) { info.unresolved = true; return info; }
    if (m.kind === 'include') {
      info.child = await childNode(w, target, here);
      info.lookups += info.child.lookups;
      info.voidLookups += info.child.voidLookups;
    } else if (m.kind === 'exists') {
      const a = await w.opts.dns.query(target, 'A');
      if (a.rcode === 'NXDOMAIN' || (a.rcode === 'NOERROR' && a.answers.length === 0)) info.voidLookups++;
    } else if (m.kind === 'a') {
      const r = await addresses(w.opts.dns, target);
      if (r.error) info.dnsError = r.error;
      if (r.void) info.voidLookups++;
    } else if (m.kind === 'mx') {
      const mx = await w.opts.dns.query(target, 'MX');
      if (mx.rcode !== 'NOERROR' && mx.rcode !== 'NXDOMAIN') info.dnsError = `MX ${target}: ${mx.rcode}`;
      const names = mx.answers.flatMap((r) => (r.type === 'MX' && r.exchange && r.exchange !== '.' ? [r.exchange] : []));
      if (!info.dnsError && names.length === 0) info.voidLookups++;
      if (names.length > 10) info.dnsError = `${names.length} MX names (limit 10, 4.6.4)`;
    }
    return info;
  });
  node.terms = await Promise.all(dnsTerms);
  const hasAll = rec.directives.some((d) => d.mechanism.kind === 'all');
  if (rec.redirect && !hasAll) {
    const info: SpfTermInfo = { text: rec.redirect.text, kind: 'redirect', lookups: 1, voidLookups: 0 };
    const target = await staticDomain(rec.redirect.value, domain);
    if (target === undefined) info.unresolved = true;
    else {
      info.child = await childNode(w, target, here);
      info.lookups += info.child.lookups;
      info.voidLookups += info.child.voidLookups;
    }
    node.terms.push(info);
  }
  node.lookups = node.terms.reduce((n, t) => n + t.lookups, 0);
  node.voidLookups = node.terms.reduce((n, t) => n + t.voidLookups, 0);
  return node;
}

/** Memoised per (domain, chain-contains-domain) so a shared include is fetched once. */
function childNode(w: Walk, domain: string, chain: string[]): Promise<SpfNode> {
  if (chain.includes(domain)) return buildNode(w, domain, chain);
  let p = w.memo.get(domain);
  if (!p) {
    p = buildNode(w, domain, chain);
    w.memo.set(domain, p);
  }
  return p;
}

/** Builds the posture of `domain`'s SPF policy. Never throws for DNS data. */
export async function spfPosture(domain: string, opts: PostureOptions): Promise<SpfPosture> {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const w: Walk = { opts, memo: new Map(), fetched: 0 };
  const tree = await buildNode(w, d, []);
  const out: SpfPosture = {
    domain: d,
    record: tree.record ?? null,
    tree,
    lookups: tree.lookups,
    voidLookups: tree.voidLookups,
    costliestChain: [],
    networks: [],
    permissive: [],
    allQualifier: null,
    errors: [],
    unresolved: [],
    loop: false,
  };
  // Costliest chain: follow the include/redirect child with the highest cost at each level.
  let cur: SpfNode | undefined = tree;
  let via: string | undefined;
  while (cur) {
    out.costliestChain.push({ domain: cur.domain, ...(via ? { term: via } : {}), lookups: cur.lookups });
    const next: SpfTermInfo | undefined = cur.terms
      .filter((t) => t.child)
      .sort((a, b) => b.lookups - a.lookups)[0];
    if (!next || next.child!.status === 'loop') break;
    via = next.text;
    cur = next.child;
  }
  await collect(out, tree, [], opts, true, new Set());
  return out;
}

/** Walks the tree once: networks, permissive terms, errors, unresolved terms, the all qualifier. */
async function collect(
  out: SpfPosture, node: SpfNode, chain: string[], opts: PostureOptions, topLevel: boolean, seen: Set<SpfNode>,
): Promise<void> {
  if (node.error && node.status !== 'ok') {
    out.errors.push({ domain: node.domain, status: node.status, message: node.error.message, pos: node.error.pos });
    if (node.status === 'loop') out.loop = true;
  }
  if (seen.has(node)) return; // shared include: its networks are already listed
  seen.add(node);
  const via = [...chain, node.domain];
  const huge4 = opts.hugeIpv4Prefix ?? 8;
  const huge6 = opts.hugeIpv6Prefix ?? 32;
  const parsed = node.record ? parseRecord(node.record) : null;
  const directives = parsed && parsed.ok ? parsed.record.directives : [];
  for (const [i, t] of node.terms.entries()) {
    if (t.unresolved) out.unresolved.push({ domain: node.domain, term: t.text });
    if (t.dnsError) out.errors.push({ domain: node.domain, status: 'dns-error', message: t.dnsError });
    if (t.kind === 'all') {
      if (topLevel && out.allQualifier === null) out.allQualifier = t.qualifier ?? '+';
      if (t.qualifier === '+') out.permissive.push({ reason: 'pass-all', term: t.text, domain: node.domain });
      else if (t.qualifier === '?' && topLevel) out.permissive.push({ reason: 'neutral-all', term: t.text, domain: node.domain });
    }
    if (t.child) await collect(out, t.child, via, opts, topLevel && t.kind === 'redirect', seen);
    if (t.qualifier !== '+') continue;
    const d = directives[i];
    if (!d) continue;
    const m = d.mechanism;
    if (m.kind === 'ip4' || m.kind === 'ip6') {
      const family = m.kind === 'ip4' ? 4 : 6;
      const network = `${m.address}/${m.prefix}`;
      out.networks.push({ network, family, prefix: m.prefix, term: t.text, via });
      if (m.prefix <= (family === 4 ? huge4 : huge6)) {
        out.permissive.push({ reason: 'huge-range', term: t.text, domain: node.domain, network });
      }
    } else if ((m.kind === 'a' || m.kind === 'mx') && !t.unresolved) {
      const target = (await staticDomain(m.domain, node.domain))!;
      const hosts = m.kind === 'a' ? [target] : await mxHosts(opts.dns, target);
      for (const h of hosts) {
        const r = await addresses(opts.dns, h);
        for (const rec of r.recs) {
          const n = netOf(rec, m.cidr4, m.cidr6);
          if (!n) continue;
          out.networks.push({ ...n, term: t.text, via });
          if (n.prefix <= (n.family === 4 ? huge4 : huge6)) {
            out.permissive.push({ reason: 'huge-range', term: t.text, domain: node.domain, network: n.network });
          }
        }
      }
    }
  }
}

async function mxHosts(dns: DnsClient, name: string): Promise<string[]> {
  const mx = await dns.query(name, 'MX');
  return mx.answers.flatMap((r) => (r.type === 'MX' && r.exchange && r.exchange !== '.' ? [r.exchange] : [])).slice(0, 10);
}
