/**
 * `launchready init`: a commented starter config, optionally pre-filled by probing the product's
 * URL (canonical URL after redirects, apex, which common subdomains resolve, whether the apex
 * receives mail). The text is written by hand rather than by YAML.stringify because the comments
 * are the point: each section says what it is for, and optional sections are shown commented out.
 */
import { getDomain } from 'tldts';
import { parse as parseYaml } from 'yaml';
import type { Net } from '../net/types.js';

export interface StarterInput {
  /** URL the user gave `init`; only used in the header comment. */
  url?: string;
  apex?: string;
  canonical?: string;
  subdomains?: string[];
  emailDomain?: string;
  staging?: string[];
}

/** Subdomains `init` looks for (they usually are part of the product). */
export const COMMON_SUBDOMAINS = ['www', 'app', 'api', 'admin', 'status'] as const;
/** Pre-production names that, when they resolve, belong in `domains.staging`. */
export const COMMON_STAGING = ['staging', 'dev', 'preview'] as const;

/** The YAML text of a starter config. Always valid (`parseConfigText` accepts it). */
export function renderStarterConfig(input: StarterInput = {}): string {
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  const list = (items: string[]) => `[${items.map(yamlString).join(', ')}]`;

  line('# yaml-language-server: $schema=./node_modules/launchready/schema/launchready.schema.json');
  line('#');
  line(`# launchready configuration${input.url ? `, started from ${sanitizeComment(input.url)}` : ''}.`);
  line('# Every key is documented in docs/config.md. Strings may use ${VAR} or ${VAR:-default} to read');
  line('# environment variables, so secrets (database URLs, tokens) never need to be written here.');
  line();

  line('# Production names: the apex domain, the one canonical URL every variant must redirect to,');
  line('# the subdomains that are part of the product, and pre-production hosts production must never');
  line('# point to (CNAMEs, redirects, CORS origins).');
  if (input.apex) {
    line('domains:');
    line(`  apex: ${yamlString(input.apex)}`);
    if (input.canonical) line(`  canonical: ${yamlString(input.canonical)}`);
    else line('  # canonical: https://www.example.com');
    line(input.subdomains?.length ? `  subdomains: ${list(input.subdomains)}` : '  subdomains: []   # e.g. [app, api, admin]');
    line(input.staging?.length ? `  staging: ${list(input.staging)}` : '  staging: []      # e.g. [staging.example.com, "*.vercel.app"]');
  } else {
    line('# domains:');
    line('#   apex: example.com');
    line('#   canonical: https://www.example.com');
    line('#   subdomains: [app, api, admin]');
    line('#   staging: [staging.example.com]');
  }
  line();

  line('# Email authentication (SPF, DKIM, DMARC, MX) of the domain the product sends mail from.');
  if (input.emailDomain) {
    line('email:');
    line(`  domain: ${yamlString(input.emailDomain)}`);
    line('  dkimSelectors: []   # e.g. [s1, google]: the selectors your provider signs with');
    line('  providers: []       # e.g. [sendgrid]: providers that must be allowed by SPF');
  } else {
    line('# email:');
    line(`#   domain: ${input.apex ? sanitizeComment(input.apex) : 'example.com'}`);
    line('#   dkimSelectors: [s1]');
    line('#   providers: [sendgrid]');
  }
  line();

  line('# The repository: secrets in files, history and built bundles; migrations; deploy files.');
  line('repo:');
  line('  path: .');
  line('  history: true       # also scan git history for secrets');
  line('  bundles: []         # built client bundles to scan, e.g. [dist]');
  line();

  line('# Environment files: every environment must define the required variables.');
  line('# env:');
  line('#   files: { staging: .env.staging, production: .env.production }');
  line('#   required: [DATABASE_URL]');
  line();

  line('# Database checks (least privilege, missing indexes, unsafe migrations). Read the URL from');
  line('# the environment; never write the password here.');
  line('# database:');
  line('#   url: "${DATABASE_URL}"');
  line('#   migrations: ./migrations');
  line();

  line('# Network overrides: test before DNS cutover or against a staging server.');
  line('# network:');
  line('#   resolver: "1.1.1.1:53"');
  line('#   connectTo: ["www.example.com:443:203.0.113.10:443"]   # curl --connect-to syntax');
  line('#   ca: ./extra-ca.pem');
  line('#   timeoutMs: 5000');
  line();

  line('# The handover pack (launchready handover): who owns what, where secrets live (names and');
  line('# locations only), which services you pay for, and how to roll back. Empty sections are');
  line('# reported as gaps (handover/incomplete). See docs/handover.md.');
  line('# handover:');
  line('#   owners: { product: "Name <email>", engineering: "Name <email>" }');
  line('#   incident: { owner: "Name <email>", contacts: [{ name: Name, contact: "+1 555 0100" }] }');
  line('#   deploy: { steps: ["Merge to main", "Tag a release: CI deploys it", "launchready smoke"] }');
  line('#   secretLocations: { "*": "host platform secrets", "STRIPE_*": "password manager vault" }');
  line('#   services: [{ name: Stripe, purpose: payments, billingOwner: "Name", credentials: "vault item" }]');
  line('#   knownIssues: []');
  line('#   rollback: ["Redeploy the previous release", "Run launchready smoke"]');
  line();

  line('# Active probes (rate-limit bursts, load tests) against non-loopback hosts need this.');
  line('active: false');
  line();

  line('# Per-rule severity override (blocker, high, medium, low, info) or off.');
  line('# rules:');
  line('#   dns/caa-missing: off');
  return out.join('\n') + '\n';
}

/** YAML scalar: plain when unambiguous, otherwise double-quoted (JSON strings are valid YAML). */
function yamlString(s: string): string {
  // Ask the parser itself whether the plain form reads back as the same string (not 0x1f, null...).
  const plainSafe = /^[A-Za-z0-9_][A-Za-z0-9_.\-]*$/.test(s) && parseYaml(s) === s;
  return plainSafe ? s : JSON.stringify(s);
}

/** Text placed inside a comment: one line, no control characters. */
function sanitizeComment(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
}

// ---------------------------------------------------------------- probing

export interface ProbeResult extends StarterInput {
  url: string;
  /** Why something could not be discovered (for the CLI to print); never fatal. */
  notes: string[];
}

/**
 * Discovers what `renderStarterConfig` needs from the product's URL. Never throws for network
 * failures: whatever could not be found is left out and explained in `notes`.
 */
export async function probeForInit(url: string, net: Net): Promise<ProbeResult> {
  const notes: string[] = [];
  const start = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`;
  let startUrl: URL;
  try {
    startUrl = new URL(start);
  } catch {
    return { url, notes: [`"${url}" is not a URL`] };
  }

  const ex = await net.http.request({ url: startUrl.href, method: 'GET', maxRedirects: 5 });
  let canonical: string | undefined;
  let host = startUrl.hostname;
  if (ex.error || ex.status === 0) {
    notes.push(`could not fetch ${startUrl.href}: ${ex.error?.code ?? 'no response'}`);
  } else {
    const final = new URL(ex.finalUrl);
    // The origin only: the canonical setting names the URL every variant redirects to, not a page.
    canonical = final.origin;
    host = final.hostname;
    if (ex.status >= 400) notes.push(`${ex.finalUrl} answered ${ex.status}`);
  }

  const apex = getDomain(host, { allowPrivateDomains: false }) ?? undefined;
  if (!apex) {
    notes.push(`no registrable domain in "${host}" (an IP address or a bare name)`);
    return { url, canonical, notes };
  }

  const resolves = async (label: string) => {
    const addrs = await net.dns.lookup(`${label}.${apex}`);
    return addrs.length > 0;
  };
  const [subs, stag, mx] = await Promise.all([
    Promise.all(COMMON_SUBDOMAINS.map(async (l): Promise<string | null> => ((await resolves(l)) ? l : null))),
    Promise.all(COMMON_STAGING.map(async (l) => ((await resolves(l)) ? `${l}.${apex}` : null))),
    net.dns.query(apex, 'MX'),
  ]);
  // RFC 7505 null MX ("." exchange) means "this domain receives no mail".
  const hasMx = mx.rcode === 'NOERROR' && mx.answers.some((r) => r.type === 'MX' && r.exchange !== '' && r.exchange !== '.');
  if (mx.rcode === 'TIMEOUT' || mx.rcode === 'ERROR' || mx.rcode === 'SERVFAIL') notes.push(`MX lookup for ${apex} failed (${mx.rcode})`);

  return {
    url,
    apex,
    canonical,
    subdomains: subs.filter((s): s is string => s !== null),
    staging: stag.filter((s): s is string => s !== null),
    ...(hasMx ? { emailDomain: apex } : {}),
    notes,
  };
}
