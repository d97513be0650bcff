/** DNS facts for every target name: CNAME chain hop by hop, A/AAAA of the final name, CAA at the apex. */
import { defineGatherer } from '../core/audit.js';
import type { DnsAnswer, DnsClient } from '../net/types.js';
import type { DnsNameInfo } from './artifacts.js';
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
