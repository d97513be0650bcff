/** DNS facts for every target name: CNAME chain hop by hop, A/AAAA of the final name, CAA at the apex. */
import { defineGatherer } from '../core/audit.js';
import type { DnsAnswer, DnsClient } from '../net/types.js';
import { parseIp, reverseName } from '../audits/email/spf/ip.js';
import { stagingHosts } from '../audits/dns/staging.js';
import type { DnsNameInfo, ZoneFacts } from './artifacts.js';
import { mapLimit } from './limit.js';

export async function resolveName(dns: DnsClient, name: string, withCaa: boolean): Promise<DnsNameInfo> {
  const [a, aaaa, caa] = await Promise.all([
    dns.query(name, 'A'),
    dns.query(name, 'AAAA'),
    withCaa ? dns.query(name, 'CAA') : Promise.resolve(undefined),
  ]);
  const cnameChain = chainOf(name, a.answers.length ? a : aaaa);
  const finalName = cnameChain.length ? cnameChain[cnameChain.length - 1]!.to : name;
  const addresses = [...a.answers, ...aaaa.answers].flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.address] : []));
  return { name, cnameChain, finalName, a, aaaa, addresses: [...new Set(addresses)], ...(caa ? { caa } : {}) };
}

/** CNAME hops in answer order, stopping at a repeat (a loop). */
function chainOf(name: string, ans: DnsAnswer): { from: string; to: string }[] {
  const hops: { from: string; to: string }[] = [];
  let cur = name;
  const seen = new Set([cur]);
  for (;;) {
    const rec = ans.answers.find((r) => r.type === 'CNAME' && r.name === cur);
    if (!rec || rec.type !== 'CNAME') break;
    hops.push({ from: cur, to: rec.target });
    if (seen.has(rec.target)) break;
    seen.add(rec.target);
    cur = rec.target;
  }
  return hops;
}

export default defineGatherer({
  id: 'dns',
  title: 'Resolving production names',
  dependsOn: ['targets'],
  async gather(ctx) {
    const t = ctx.artifacts.targets;
    if (!t || 'error' in t) return { error: { code: 'NOT_CONFIGURED', message: 'no domains in config' } };
    return mapLimit(t.names, ctx.config.network.concurrency, (n) => resolveName(ctx.net.dns, n.name, n.role === 'apex'));
  },
});

/** Reverse-DNS names of one address; empty when there is none or the query failed. */
async function ptrOf(dns: DnsClient, address: string): Promise<string[]> {
  const ip = parseIp(address);
  if (!ip) return [];
  const ans = await dns.query(reverseName(ip), 'PTR');
  return ans.answers.flatMap((r) => (r.type === 'PTR' ? [r.target] : []));
}

/**
 * Zone-level facts for the audits of "where production lives": NS and SOA of the apex, declared
 * staging hosts resolved (a production name sharing their address is suspicious), and PTR names
 * of every production address. The client caches and de-duplicates, so repeats cost nothing.
 */
export const zoneGatherer = defineGatherer({
  id: 'zone',
  title: 'Reading NS, SOA, staging hosts and reverse DNS',
  dependsOn: ['targets', 'dns'],
  async gather(ctx): Promise<ZoneFacts | { error: { code: string; message: string } }> {
    const t = ctx.artifacts.targets;
    if (!t || 'error' in t) return { error: { code: 'NOT_CONFIGURED', message: 'no domains in config' } };
    const d = ctx.artifacts.dns;
    const addresses = [...new Set(d && !('error' in d) ? d.flatMap((x) => x.addresses) : [])];
    const conc = ctx.config.network.concurrency;
    const [ns, soa, staging, ptrs] = await Promise.all([
      t.apex ? ctx.net.dns.query(t.apex, 'NS') : undefined,
      t.apex ? ctx.net.dns.query(t.apex, 'SOA') : undefined,
      mapLimit(stagingHosts(ctx.config.domains?.staging ?? []), conc, (h) => resolveName(ctx.net.dns, h, false)),
      mapLimit(addresses, conc, async (a) => [a, await ptrOf(ctx.net.dns, a)] as const),
    ]);
    return {
      apex: t.apex,
      ...(ns ? { ns } : {}),
      ...(soa ? { soa } : {}),
      staging,
      ptr: Object.fromEntries(ptrs),
    };
  },
});
