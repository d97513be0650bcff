/**
 * The domain map (metrics.domainMap, built by the dns/points-to-staging audit) as a Markdown
 * table, pasteable into the handover pack: per name, where it is hosted (by CNAME, address, PTR
 * or response header) and which CDN / edge proxy fronts it. Target-supplied text is escaped for table cells.
 */
import type { DomainMap } from '../audits/dns/domain-map.js';

const cell = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|').replace(/[<>`]/g, (c) => `\\${c}`);

/** Where each name lands over HTTP (from the edge audit), keyed by name. */
export type EdgeMap = Record<string, { finalUrl: string; chain: string[] }>;

export function renderDomainMapMarkdown(map: DomainMap, edge: EdgeMap = {}): string {
  const lines = [`### Domain map${map.apex ? ` of ${cell(map.apex)}` : ''}`, ''];
  lines.push(`DNS: ${map.ns.length ? map.ns.map(cell).join(', ') : 'no NS records seen'}${map.dnsProvider ? ` (${cell(map.dnsProvider)})` : ''}${map.soa ? `; SOA serial ${map.soa.serial}` : ''}`, '');
  lines.push('| name | DNS | CNAME chain | addresses | hosting | edge | final URL (from http://) | redirect chain | certificate |', '|---|---|---|---|---|---|---|---|---|');
  for (const n of map.names) {
    const name = n.unicode ? `${n.name} (${n.unicode})` : n.name;
    const chain = n.cnameChain.length ? n.cnameChain.join(' → ') + (n.cnameLoop ? ' (loop)' : '') : '–';
    const cert = n.certificate
      ? `${n.certificate.issuer}${n.certificate.acmeIssuer ? ' (ACME)' : ''}, ${n.certificate.daysLeft} days left${n.certificate.legacyProtocols?.length ? `, also ${n.certificate.legacyProtocols.join('/')}` : ''}`
      : n.tlsError ? `handshake failed: ${n.tlsError}` : '–';
    const hosting = n.hosting ? `${n.hosting.provider} (by ${n.hosting.via})` : '–';
    const edgeCell = n.edge ? `${n.edge.provider} (${n.edge.by})` : '–';
    const e = edge[n.name];
    lines.push(`| ${[name, n.rcode, chain, n.addresses.join(', ') || '–', hosting, edgeCell, e?.finalUrl ?? '–', e ? e.chain.join(' → ') : '–', cert].map(cell).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
