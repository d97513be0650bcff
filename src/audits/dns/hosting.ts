/**
 * Where a name is hosted and who serves its DNS: data tables plus two small matchers.
 *
 * Hosting is recognised, in order of confidence, from a CNAME target suffix (the platform's own
 * name), a published address range, a reverse-DNS (PTR) suffix, or a response header the platform
 * adds (x-vercel-id, x-nf-request-id, fly-request-id, rndr-id, `via: 1.1 vegur` of Heroku's
 * router...; the edge gatherer's responses for the name). Address ranges are only listed
 * where the provider documents a small fixed set (apex A records, published IP lists); big clouds
 * are recognised by CNAME or PTR instead of shipping their multi-thousand-prefix feeds.
 * Sources: each provider's custom-domain docs; Cloudflare https://www.cloudflare.com/ips/ ;
 * GitHub Pages https://docs.github.com/en/pages/configuring-a-custom-domain-for-your-github-pages-site ;
 * Vercel https://vercel.com/docs/projects/domains ; Netlify https://docs.netlify.com/domains-https/custom-domains/ ;
 * Render https://render.com/docs/custom-domains .
 */
import { BlockList, isIP } from 'node:net';
import { headerValues, type HeaderMap } from '../edge/http-headers.js';

export interface HostingProvider {
  provider: string;
  cname?: RegExp;
  /** CIDR prefixes (IPv4 or IPv6). */
  ranges?: string[];
  ptr?: RegExp;
  /** Response headers the platform adds (present, or matching `value`). */
  headers?: { name: string; value?: RegExp }[];
}

export const HOSTING_PROVIDERS: readonly HostingProvider[] = [
  { provider: 'Vercel', cname: /\.vercel\.app$|(^|\.)vercel-dns\.com$|\.now\.sh$/, ranges: ['76.76.21.0/24'], headers: [{ name: 'x-vercel-id' }, { name: 'server', value: /^Vercel/i }] },
  { provider: 'Netlify', cname: /\.netlify\.(app|com)$/, ranges: ['75.2.60.5/32'], headers: [{ name: 'x-nf-request-id' }, { name: 'server', value: /^Netlify/i }] },
  { provider: 'Heroku', cname: /\.(herokuapp|herokudns|herokussl)\.com$/, headers: [{ name: 'via', value: /\bvegur\b|heroku-router/i }] },
  { provider: 'Render', cname: /\.onrender\.com$/, ranges: ['216.24.57.0/24'], headers: [{ name: 'rndr-id' }, { name: 'x-render-origin-server' }] },
  { provider: 'Fly.io', cname: /\.fly\.dev$|\.edgeapp\.net$/, headers: [{ name: 'fly-request-id' }, { name: 'server', value: /^Fly\//i }] },
  { provider: 'Railway', cname: /\.railway\.app$/, headers: [{ name: 'x-railway-request-id' }, { name: 'server', value: /^railway/i }] },
  { provider: 'GitHub Pages', cname: /\.github\.io$/, ranges: ['185.199.108.0/22', '2606:50c0:8000::/46'], headers: [{ name: 'x-github-request-id' }, { name: 'server', value: /^GitHub\.com$/i }] },
  { provider: 'Cloudflare Pages', cname: /\.pages\.dev$/ },
  {
    provider: 'Cloudflare',
    cname: /\.cdn\.cloudflare\.net$|\.workers\.dev$/,
    ranges: [
      '173.245.48.0/20', '103.21.244.0/22', '103.22.200.0/22', '103.31.4.0/22', '141.101.64.0/18', '108.162.192.0/18',
      '190.93.240.0/20', '188.114.96.0/20', '197.234.240.0/22', '198.41.128.0/17', '162.158.0.0/15', '104.16.0.0/13',
      '104.24.0.0/14', '172.64.0.0/13', '131.0.72.0/22',
      '2400:cb00::/32', '2606:4700::/32', '2803:f800::/32', '2405:b500::/32', '2405:8100::/32', '2a06:98c0::/29', '2c0f:f248::/32',
    ],
  },
  { provider: 'AWS', cname: /\.amazonaws\.com$|\.cloudfront\.net$|\.amplifyapp\.com$|\.awsglobalaccelerator\.com$|\.elasticbeanstalk\.com$/, ptr: /\.amazonaws\.com$/, headers: [{ name: 'x-amz-request-id' }, { name: 'x-amzn-requestid' }, { name: 'server', value: /^(AmazonS3|awselb)/i }] },
  { provider: 'Google Cloud', cname: /^ghs\.googlehosted\.com$|\.run\.app$|\.appspot\.com$|\.web\.app$|\.firebaseapp\.com$/, ptr: /\.googleusercontent\.com$/, headers: [{ name: 'x-cloud-trace-context' }, { name: 'server', value: /^Google Frontend/i }] },
  { provider: 'Azure', cname: /\.azurewebsites\.net$|\.cloudapp\.(net|azure\.com)$|\.azurefd\.net$|\.azureedge\.net$|\.trafficmanager\.net$|\.azurestaticapps\.net$|\.core\.windows\.net$/ },
  { provider: 'DigitalOcean', cname: /\.ondigitalocean\.app$|\.digitaloceanspaces\.com$/, headers: [{ name: 'x-do-app-origin' }, { name: 'x-do-orig-status' }] },
  { provider: 'Shopify', cname: /\.myshopify\.com$/, ranges: ['23.227.38.0/24'], headers: [{ name: 'x-shopid' }, { name: 'powered-by', value: /Shopify/i }] },
  { provider: 'Fastly', cname: /\.fastly\.net$|\.fastlylb\.net$/ },
];

/** DNS hosting recognised from NS names. Order matters: Google Cloud DNS before Google Domains. */
export const DNS_PROVIDERS: readonly { provider: string; ns: RegExp }[] = [
  { provider: 'Cloudflare', ns: /\.ns\.cloudflare\.com$/ },
  { provider: 'AWS Route 53', ns: /(^|\.)awsdns-\d+\.(com|net|org|co\.uk)$/ },
  { provider: 'Google Cloud DNS', ns: /^ns-cloud-[a-z]\d+\.googledomains\.com$/ },
  { provider: 'Google Domains / Squarespace', ns: /\.googledomains\.com$/ },
  { provider: 'Azure DNS', ns: /\.azure-dns\.(com|net|org|info)$/ },
  { provider: 'DigitalOcean', ns: /(^|\.)digitalocean\.com$/ },
  { provider: 'Vercel', ns: /\.vercel-dns\.com$/ },
  { provider: 'NS1 (also Netlify DNS)', ns: /\.nsone\.net$/ },
  { provider: 'GoDaddy', ns: /\.domaincontrol\.com$/ },
  { provider: 'Namecheap', ns: /\.registrar-servers\.com$/ },
  { provider: 'Gandi', ns: /\.gandi\.net$/ },
  { provider: 'OVHcloud', ns: /\.ovh\.(net|ca)$/ },
  { provider: 'Hetzner', ns: /\.hetzner\.(com|de)$|\.your-server\.de$/ },
  { provider: 'DNSimple', ns: /\.dnsimple(-edge)?\.(com|net|org)$/ },
  { provider: 'Porkbun', ns: /\.porkbun\.com$/ },
  { provider: 'Linode / Akamai', ns: /\.linode\.com$/ },
];

/** BlockLists built once per table row (node's BlockList does prefix matching for both families). */
const blockLists = new WeakMap<HostingProvider, BlockList>();
function blockList(p: HostingProvider): BlockList {
  let b = blockLists.get(p);
  if (!b) {
    b = new BlockList();
    for (const r of p.ranges ?? []) {
      const [net, bits] = r.split('/') as [string, string];
      b.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
    }
    blockLists.set(p, b);
  }
  return b;
}

export interface HostingMatch {
  provider: string;
  via: 'cname' | 'address' | 'ptr' | 'header';
  /** The CNAME target, address, PTR name or header (`x-vercel-id`, `server: Vercel`) that matched. */
  match: string;
}

export function hostingOf(
  facts: { cnames: string[]; addresses: string[]; ptr?: string[]; headers?: HeaderMap[] },
  table: readonly HostingProvider[] = HOSTING_PROVIDERS,
): HostingMatch | undefined {
  for (const c of facts.cnames) {
    const p = table.find((x) => x.cname?.test(c));
    if (p) return { provider: p.provider, via: 'cname', match: c };
  }
  for (const a of facts.addresses) {
    const fam = isIP(a);
    if (!fam) continue;
    const p = table.find((x) => x.ranges?.length && blockList(x).check(a, fam === 6 ? 'ipv6' : 'ipv4'));
    if (p) return { provider: p.provider, via: 'address', match: a };
  }
  for (const n of facts.ptr ?? []) {
    const p = table.find((x) => x.ptr?.test(n));
    if (p) return { provider: p.provider, via: 'ptr', match: n };
  }
  for (const h of facts.headers ?? []) {
    for (const p of table) {
      for (const sig of p.headers ?? []) {
        const v = headerValues(h, sig.name).find((x) => !sig.value || sig.value.test(x));
        if (v !== undefined) return { provider: p.provider, via: 'header', match: sig.value ? `${sig.name}: ${v.slice(0, 60)}` : sig.name };
      }
    }
  }
  return undefined;
}

export function dnsProviderOf(nsNames: string[]): string | undefined {
  for (const n of nsNames) {
    const p = DNS_PROVIDERS.find((x) => x.ns.test(n.toLowerCase().replace(/\.$/, '')));
    if (p) return p.provider;
  }
  return undefined;
}
