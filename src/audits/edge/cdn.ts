/**
 * CDN / edge proxy fingerprints: data, one row per provider. A row matches when any of its
 * headers is present (and matches `value` when given), or the connected address is in one of its
 * published ranges. Sources: each provider's documentation of the headers it adds, and the
 * published address lists (Cloudflare https://www.cloudflare.com/ips-v4, Fastly's public IP list,
 * Vercel's documented anycast range). Addresses are only a hint: with --connect-to the address is
 * wherever the user routed the name.
 */
import { BlockList, isIP } from 'node:net';
import type { HeaderMap } from './http-headers.js';
import type { EdgeProbe } from '../../gather/artifacts.js';
import { headerValues } from './http-headers.js';

export interface EdgeProviderRow {
  id: string;
  name: string;
  headers: { name: string; value?: RegExp }[];
  /** CIDR ranges (IPv4) announced by the provider's edge. */
  ranges?: string[];
}

export const EDGE_PROVIDERS: EdgeProviderRow[] = [
  {
    id: 'cloudflare',
    name: 'Cloudflare',
    headers: [{ name: 'cf-ray' }, { name: 'cf-cache-status' }, { name: 'server', value: /^cloudflare/i }],
    ranges: [
      '173.245.48.0/20', '103.21.244.0/22', '103.22.200.0/22', '103.31.4.0/22', '141.101.64.0/18', '108.162.192.0/18',
      '190.93.240.0/20', '188.114.96.0/20', '197.234.240.0/22', '198.41.128.0/17', '162.158.0.0/15', '104.16.0.0/13',
      '104.24.0.0/14', '172.64.0.0/13', '131.0.72.0/22',
    ],
  },
  {
    id: 'fastly',
    name: 'Fastly',
    headers: [{ name: 'x-fastly-request-id' }, { name: 'fastly-debug-digest' }, { name: 'x-served-by', value: /\bcache-[a-z0-9-]+/i }],
    ranges: ['151.101.0.0/16'],
  },
  { id: 'cloudfront', name: 'Amazon CloudFront', headers: [{ name: 'x-amz-cf-id' }, { name: 'x-amz-cf-pop' }, { name: 'via', value: /cloudfront/i }] },
  {
    id: 'akamai',
    name: 'Akamai',
    headers: [{ name: 'x-akamai-transformed' }, { name: 'akamai-grn' }, { name: 'x-akamai-request-id' }, { name: 'akamai-cache-status' }, { name: 'server', value: /^Akamai/i }],
  },
  { id: 'vercel', name: 'Vercel', headers: [{ name: 'x-vercel-id' }, { name: 'x-vercel-cache' }, { name: 'server', value: /^Vercel/i }], ranges: ['76.76.21.0/24'] },
  { id: 'netlify', name: 'Netlify', headers: [{ name: 'x-nf-request-id' }, { name: 'server', value: /^Netlify/i }] },
  { id: 'bunny', name: 'Bunny CDN', headers: [{ name: 'cdn-pullzone' }, { name: 'cdn-requestid' }, { name: 'server', value: /^BunnyCDN/i }] },
  { id: 'azure-front-door', name: 'Azure Front Door', headers: [{ name: 'x-azure-ref' }] },
  { id: 'google-cloud-cdn', name: 'Google Cloud load balancer / CDN', headers: [{ name: 'via', value: /\b1\.1 google\b/i }] },
  { id: 'fly', name: 'Fly.io edge', headers: [{ name: 'fly-request-id' }, { name: 'server', value: /^Fly\//i }] },
  { id: 'sucuri', name: 'Sucuri', headers: [{ name: 'x-sucuri-id' }, { name: 'server', value: /^Sucuri/i }] },
  { id: 'imperva', name: 'Imperva', headers: [{ name: 'x-iinfo' }, { name: 'x-cdn', value: /Incapsula|Imperva/i }] },
  { id: 'keycdn', name: 'KeyCDN', headers: [{ name: 'server', value: /^keycdn/i }] },
];

const rangeLists = new Map(
  EDGE_PROVIDERS.filter((p) => p.ranges).map((p) => {
    const bl = new BlockList();
    for (const r of p.ranges!) {
      const [net, bits] = r.split('/');
      bl.addSubnet(net!, Number(bits), 'ipv4');
    }
    return [p.id, bl] as const;
  }),
);

export interface EdgeDetection {
  provider: string;
  name: string;
  /** What matched: `header cf-ray` or `address 104.16.1.1`. */
  by: string;
}

/** The first provider whose headers (or address range) match; null when none does. */
export function detectEdge(headerSets: HeaderMap[], address?: string): EdgeDetection | null {
  for (const p of EDGE_PROVIDERS) {
    for (const h of headerSets) {
      for (const sig of p.headers) {
        const vals = headerValues(h, sig.name);
        if (vals.length && (!sig.value || vals.some((v) => sig.value!.test(v)))) return { provider: p.id, name: p.name, by: `header ${sig.name}` };
      }
    }
  }
  if (address && isIP(address) === 4) {
    for (const [id, bl] of rangeLists) {
      if (bl.check(address, 'ipv4')) return { provider: id, name: EDGE_PROVIDERS.find((p) => p.id === id)!.name, by: `address ${address}` };
    }
  }
  return null;
}

/**
 * The edge in front of one name, from every response the edge gatherer got for it (http, https,
 * the https redirect itself) and its first address. Shared by edge/no-edge-protection and the
 * domain map. `answered` is false when neither scheme answered (nothing to judge).
 */
export function edgeOfProbe(p: EdgeProbe, dnsAddresses: readonly string[]): { answered: boolean; addresses: string[]; detection: EdgeDetection | null } {
  const answered = [p.https, p.http].filter((x) => x.status > 0);
  if (!answered.length) return { answered: false, addresses: [...dnsAddresses], detection: null };
  const addresses = dnsAddresses.length ? [...dnsAddresses] : answered.flatMap((x) => (x.remoteAddress ? [x.remoteAddress] : []));
  const detection = detectEdge([...answered.map((x) => x.headers), ...(p.httpsFirstHop ? [p.httpsFirstHop.headers] : [])], addresses[0]);
  return { answered: true, addresses, detection };
}

const NOT_PUBLIC = (() => {
  const bl = new BlockList();
  for (const [net, bits] of [['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['169.254.0.0', 16], ['100.64.0.0', 10], ['0.0.0.0', 8]] as const) {
    bl.addSubnet(net, bits, 'ipv4');
  }
  bl.addAddress('::1', 'ipv6');
  bl.addSubnet('fc00::', 7, 'ipv6');
  bl.addSubnet('fe80::', 10, 'ipv6');
  return bl;
})();

/** Loopback, private (RFC 1918, ULA), link-local and carrier-grade NAT addresses carry no public traffic. */
export function isPublicAddress(address: string): boolean {
  const v = isIP(address);
  if (v === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return !NOT_PUBLIC.check(mapped[1]!, 'ipv4');
  return !NOT_PUBLIC.check(address, v === 4 ? 'ipv4' : 'ipv6');
}
