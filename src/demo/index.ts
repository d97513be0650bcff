/**
 * The demo target: a deliberately flawed marketplace on loopback, with its own DNS server,
 * certificate authority and HTTP/HTTPS servers on 127.0.0.x. Nothing leaves the machine: names
 * live under the reserved `.test` TLD, served by our DNS server, and `connectTo` rules route
 * ports 80/443 of each name to the ephemeral ports the servers got.
 *
 * Flaws (flawed: true), by stage:
 *   1  a live Stripe key in git history (secrets/history-secret); .env.production committed
 *      (env/dotenv-committed) with a secret key in a NEXT_PUBLIC_ variable
 *      (env/browser-exposed-secret, secrets/committed-secret), staging's session secret
 *      (env/shared-secret), a localhost database (env/localhost-in-production) and a missing
 *      SENTRY_DSN (env/key-drift).
 *   2  status.market.test does not resolve (dns/unresolved); no CAA (dns/caa-missing);
 *      app's certificate expired (tls/expired); admin's certificate names another host
 *      (tls/hostname-mismatch); api sends its leaf without the intermediate
 *      (tls/untrusted-chain) and serves plain http:// (edge/http-not-redirected) without HSTS
 *      (edge/hsts-missing); www's certificate expires in 10 days (tls/expiring-soon) and its
 *      HSTS max-age is one day (edge/hsts-weak). shop.market.test is a CNAME to a Shopify store
 *      that no longer exists (dns/dangling-cname); admin.market.test resolves to the staging
 *      server's address (dns/points-to-staging); the registration of market.test ends in 5 days
 *      (dns/domain-expiring, from the demo's RDAP server).
 *      The apex redirects with a 302 to the home page, dropping path and query
 *      (edge/temporary-redirect, edge/redirect-drops-path); the marketplace sends no security
 *      headers (headers/*), its fingerprinted assets have no cache lifetime
 *      (edge/static-assets-uncached) and its home page shows an http:// banner (edge/mixed-content).
 *      The demo has no CDN: every name is on loopback, so edge/no-edge-protection is skipped.
 *   3  SPF needs 11 DNS lookups (email/spf-too-many-lookups) and ends in ?all
 *      (email/spf-permissive); DMARC is p=none without rua (email/dmarc-policy-none,
 *      email/dmarc-no-reports); the DKIM key of selector s1 is RSA-1024 (email/dkim-weak-key); no
 *      MTA-STS (email/mta-sts-missing).
 *   5  a migration builds an index without CONCURRENTLY and adds a NOT NULL column without a
 *      default, with no down migration (migrations/index-not-concurrent,
 *      migrations/not-null-without-default, migrations/irreversible).
 *   6  alerts go to one Slack channel (monitor/single-channel), nothing escalates when nobody
 *      acknowledges (monitor/no-escalation) and there is no SLO (monitor/no-slo); see src/monitor/demo.ts.
 * With flawed: false every one of these is repaired.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startDnsServer, type DnsServerHandle, type ZoneSpec } from '../harness/dns-server.js';
import { createCertAuthority, type IssuedCert } from '../harness/certs.js';
import { startHttpServer, startHttpsServer, type ServerHandle } from '../harness/http-servers.js';
import type { LaunchreadyConfigInput } from '../config/schema.js';
import { demoMonitorConfig } from '../monitor/demo.js';
import { DEMO_FLOWS, DEMO_RESET_FLOW, startMarketplace, type Marketplace } from './marketplace.js';
import { createDemoRepo } from './repo.js';

export const DEMO_APEX = 'market.test';
const DAY = 86_400_000;

interface Host {
  name: string;
  address: string;
  cert: (ca: Awaited<ReturnType<typeof createCertAuthority>>, inter: Awaited<ReturnType<typeof createCertAuthority>>) => Promise<IssuedCert & { sendLeafOnly?: boolean }>;
  https: (app: Marketplace['handler']) => (req: IncomingMessage, res: ServerResponse) => void;
  http: (app: Marketplace['handler']) => (req: IncomingMessage, res: ServerResponse) => void;
}

export interface Demo {
  /** Config for the audit (network overrides point at the demo's DNS, CA and servers). */
  config: LaunchreadyConfigInput;
  /** The demo's source repository (config paths resolve from here). */
  repoDir: string;
  dns: DnsServerHandle;
  servers: ServerHandle[];
  marketplace: Marketplace;
  stop(): Promise<void>;
}

const redirect = (location: (req: IncomingMessage) => string, status = 301) => (req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { location: location(req), 'content-length': '0' });
  res.end();
};

const withHeaders =
  (headers: Record<string, string>, app: Marketplace['handler']) => (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    app(req, res);
  };

export async function startDemo(opts: { flawed: boolean }): Promise<Demo> {
  const flawed = opts.flawed;
  const HSTS_GOOD = 'max-age=31536000; includeSubDomains';
  const now = Date.now();
  const hosts: Host[] = [
    {
      name: DEMO_APEX,
      address: '127.0.0.11',
      cert: (_ca, inter) => inter.issue({ names: [DEMO_APEX] }),
      // Flawed: the apex sends everything to the home page with a 302 (edge/temporary-redirect, edge/redirect-drops-path).
      https: () => (flawed ? redirect(() => `https://www.${DEMO_APEX}/`, 302) : redirect((req) => `https://www.${DEMO_APEX}${req.url ?? '/'}`)),
      http: () => redirect((req) => `https://www.${DEMO_APEX}${req.url ?? '/'}`),
    },
    {
      name: `www.${DEMO_APEX}`,
      address: '127.0.0.11',
      cert: (_ca, inter) => inter.issue({ names: [`www.${DEMO_APEX}`], notAfter: new Date(now + (flawed ? 10 : 80) * DAY) }),
      https: (app) => withHeaders({ 'strict-transport-security': flawed ? 'max-age=86400' : HSTS_GOOD }, app),
      http: () => redirect((req) => `https://www.${DEMO_APEX}${req.url ?? '/'}`),
    },
    {
      name: `app.${DEMO_APEX}`,
      address: '127.0.0.12',
      cert: (_ca, inter) =>
        flawed
          ? inter.issue({ names: [`app.${DEMO_APEX}`], notBefore: new Date(now - 120 * DAY), notAfter: new Date(now - 3 * DAY) })
          : inter.issue({ names: [`app.${DEMO_APEX}`] }),
      https: (app) => withHeaders({ 'strict-transport-security': HSTS_GOOD }, app),
      http: () => redirect((req) => `https://app.${DEMO_APEX}${req.url ?? '/'}`),
    },
    {
      name: `api.${DEMO_APEX}`,
      address: '127.0.0.13',
      cert: async (_ca, inter) => ({ ...(await inter.issue({ names: [`api.${DEMO_APEX}`] })), sendLeafOnly: flawed }),
      https: (app) => (flawed ? app : withHeaders({ 'strict-transport-security': HSTS_GOOD }, app)),
      http: (app) => (flawed ? app : redirect((req) => `https://api.${DEMO_APEX}${req.url ?? '/'}`, 308)),
    },
    {
      name: `admin.${DEMO_APEX}`,
      address: '127.0.0.14',
      cert: (_ca, inter) => inter.issue({ names: [flawed ? `admin-old.${DEMO_APEX}` : `admin.${DEMO_APEX}`] }),
      https: (app) => withHeaders({ 'strict-transport-security': HSTS_GOOD }, app),
      http: () => redirect((req) => `https://admin.${DEMO_APEX}${req.url ?? '/'}`),
    },
  ];
  if (!flawed) {
    hosts.push({
      name: `status.${DEMO_APEX}`,
      address: '127.0.0.15',
      cert: (_ca, inter) => inter.issue({ names: [`status.${DEMO_APEX}`] }),
      https: (app) => withHeaders({ 'strict-transport-security': HSTS_GOOD }, app),
      http: () => redirect((req) => `https://status.${DEMO_APEX}${req.url ?? '/'}`),
    });
    // The MTA-STS policy file announced by the _mta-sts TXT record (RFC 8461 3.3), covering the MX.
    hosts.push({
      name: `mta-sts.${DEMO_APEX}`,
      address: '127.0.0.17',
      cert: (_ca, inter) => inter.issue({ names: [`mta-sts.${DEMO_APEX}`] }),
      https: () => (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`version: STSv1\r\nmode: enforce\r\nmx: mx.${DEMO_APEX}\r\nmax_age: 604800\r\n`);
      },
      http: () => redirect((req) => `https://mta-sts.${DEMO_APEX}${req.url ?? '/'}`),
    });
  }

  const stoppers: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch(() => undefined);
  };
  try {
    const tmp = mkdtempSync(join(tmpdir(), 'launchready-demo-'));
    stoppers.push(async () => rmSync(tmp, { recursive: true, force: true }));
    const ca = await createCertAuthority({ name: 'Launchready Demo Root CA' });
    const inter = await createCertAuthority({ name: 'Launchready Demo Issuing CA', parent: ca });
    writeFileSync(join(tmp, 'ca.pem'), ca.certPem);
    const repoDir = join(tmp, 'repo');
    createDemoRepo(repoDir, flawed);

    // The audit's own SMTP receiver (config mailbox) listens here; the fixed app sends reset mail to it.
    const smtp = { host: '127.0.0.21', port: await freePort('127.0.0.21') };
    const marketplace = await startMarketplace({ flawed, smtp });
    stoppers.push(() => marketplace.close());

    const zones: ZoneSpec = {
      [`staging.${DEMO_APEX}`]: [{ type: 'A', value: '127.0.0.20' }],
    };
    Object.assign(zones, emailZone(flawed));
    (zones[DEMO_APEX] as Exclude<ZoneSpec[string], string>).push(
      { type: 'NS', value: `ns1.${DEMO_APEX}` },
      { type: 'SOA', mname: `ns1.${DEMO_APEX}`, rname: `hostmaster.${DEMO_APEX}`, serial: 2026060101 },
    );
    // The Shopify store was closed but its CNAME stayed: our DNS server does not serve the target,
    // so it answers NXDOMAIN like the real one would (the query never leaves loopback).
    if (flawed) zones[`shop.${DEMO_APEX}`] = [{ type: 'CNAME', value: 'market-shop.myshopify.com' }];
    if (!flawed) (zones[DEMO_APEX] as Exclude<ZoneSpec[string], string>).push({ type: 'CAA', tag: 'issue', value: 'letsencrypt.org' });
    const servers: ServerHandle[] = [];
    const connectTo: string[] = [];
    for (const h of hosts) {
      const cert = await h.cert(ca, inter);
      const https = await startHttpsServer({
        host: h.address,
        cert: { certPem: cert.sendLeafOnly ? cert.leafOnlyPem : cert.chainPem, keyPem: cert.keyPem },
        handler: h.https(marketplace.handler),
      });
      const http = await startHttpServer({ host: h.address, handler: h.http(marketplace.handler) });
      servers.push(https, http);
      stoppers.push(() => https.close(), () => http.close());
      connectTo.push(`${h.name}:443:${h.address}:${https.port}`, `${h.name}:80:${h.address}:${http.port}`);
      const records = (zones[h.name] ??= []) as Exclude<ZoneSpec[string], string>;
      // Flawed: admin's record still carries the staging server's address from a test run (its
      // connectTo rule keeps probes on the admin server, so only DNS tells the story).
      records.push({ type: 'A', value: flawed && h.name === `admin.${DEMO_APEX}` ? '127.0.0.20' : h.address });
    }
    // RDAP (RFC 9083) answer of the registry for market.test: 5 days left when flawed.
    const rdapJson = JSON.stringify({
      objectClassName: 'domain',
      ldhName: DEMO_APEX,
      events: [
        { eventAction: 'registration', eventDate: '2024-01-15T00:00:00Z' },
        { eventAction: 'expiration', eventDate: new Date(now + (flawed ? 5 : 400) * DAY).toISOString() },
      ],
      entities: [{ objectClassName: 'entity', roles: ['registrar'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', 'Demo Registrar']]] }],
    });
    const rdap = await startHttpServer({
      host: '127.0.0.21',
      handler: (req, res) => {
        const hit = req.url === `/rdap/domain/${DEMO_APEX}`;
        res.writeHead(hit ? 200 : 404, { 'content-type': 'application/rdap+json' });
        res.end(hit ? rdapJson : '{"errorCode":404}');
      },
    });
    servers.push(rdap);
    stoppers.push(() => rdap.close());
    const dns = await startDnsServer({ zones });
    stoppers.push(() => dns.close());

    const config: LaunchreadyConfigInput = {
      name: 'Market (demo)',
      domains: {
        apex: DEMO_APEX,
        canonical: `https://www.${DEMO_APEX}`,
        subdomains: ['app', 'api', 'admin', 'status', ...(flawed ? ['shop'] : [])],
        staging: [`staging.${DEMO_APEX}`],
        rdap: `${rdap.url}/rdap`,
      },
      email: { domain: DEMO_APEX, dkimSelectors: ['s1'] },
      // The API is probed on www: api.market.test's TLS chain is broken on purpose in the flawed demo
      // (tls/untrusted-chain), so nothing could be probed there. The names are loopback: active
      // probes (bursts, payloads) are allowed without --active.
      security: {
        apis: [`https://www.${DEMO_APEX}`],
        endpoints: [
          { role: 'login', url: '/api/login' },
          { role: 'signup', url: '/api/signup' },
        ],
        admin: ['/admin'],
        allowedOrigins: [`https://www.${DEMO_APEX}`, `https://app.${DEMO_APEX}`],
        bodyLimitBytes: 64 * 1024,
        session: { url: '/api/login', body: `{"email":"seller@${DEMO_APEX}","password":"demo-password"}` },
      },
      repo: { path: '.', history: true },
      env: { files: { staging: '.env.staging', production: '.env.production' }, required: ['DATABASE_URL', 'SESSION_SECRET'] },
      database: { migrations: 'migrations' },
      // Every server is in this process: on a busy 2-core machine a response can wait seconds for the
      // event loop, so the per-step timeout is generous (nothing in the demo hangs on purpose).
      network: { resolver: dns.address, connectTo, ca: join(tmp, 'ca.pem'), timeoutMs: 8000 },
      monitor: demoMonitorConfig(DEMO_APEX, flawed),
      flows: [...DEMO_FLOWS, DEMO_RESET_FLOW],
      mailbox: { smtp: { listen: `${smtp.host}:${smtp.port}` } },
      // Stage 4: the feed as a list route (flawed: unbounded, uncompressed, uncached) and a write behind
      // the login flow; short and modest (2 s per route) so the whole demo audit stays fast.
      routes: [
        { name: 'feed', url: `https://www.${DEMO_APEX}/api/listings`, kind: 'read', list: true, critical: true },
        { name: 'create-listing', method: 'POST', url: `https://www.${DEMO_APEX}/api/listings`, kind: 'write', auth: 'core', body: { title: 'Load test {{seq}}', priceCents: 1234 }, rate: 10 },
      ],
      perf: { duration: '2s', warmup: '300ms', rate: 20 },
      health: { url: '/api/health', maxMs: 1000 },
      handover: demoHandover(flawed),
    };
    return { config, repoDir, dns, servers, marketplace, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** DNS records of the demo's mail setup: a sending provider, SPF, DKIM, DMARC, MX, MTA-STS. */
function emailZone(flawed: boolean): ZoneSpec {
  const dkim = generateKeyPairSync('rsa', { modulusLength: flawed ? 1024 : 2048 });
  const p = dkim.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const zones: ZoneSpec = {
    [DEMO_APEX]: [{ type: 'MX', priority: 10, exchange: `mx.${DEMO_APEX}` }],
    [`mx.${DEMO_APEX}`]: [{ type: 'A', value: '127.0.0.16' }],
    [`s1._domainkey.${DEMO_APEX}`]: [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${p}` }],
    [`_spf.mailer.test`]: [{ type: 'TXT', value: 'v=spf1 ip4:192.0.2.0/24 -all' }],
  };
  const apex = zones[DEMO_APEX] as Exclude<ZoneSpec[string], string>;
  if (flawed) {
    // Every marketing tool the team tried left an include behind: 11 lookups, over the limit of 10.
    const tools = ['crm', 'newsletter', 'helpdesk', 'billing', 'survey', 'events', 'shop', 'chat', 'ads', 'forms'];
    for (const t of tools) zones[`_spf.${t}.test`] = [{ type: 'TXT', value: 'v=spf1 ip4:198.51.100.0/24 -all' }];
    apex.push({ type: 'TXT', value: `v=spf1 include:_spf.mailer.test ${tools.map((t) => `include:_spf.${t}.test`).join(' ')} ?all` });
    zones[`_dmarc.${DEMO_APEX}`] = [{ type: 'TXT', value: 'v=DMARC1; p=none' }];
  } else {
    apex.push({ type: 'TXT', value: 'v=spf1 include:_spf.mailer.test -all' });
    zones[`_dmarc.${DEMO_APEX}`] = [{ type: 'TXT', value: `v=DMARC1; p=reject; rua=mailto:dmarc@${DEMO_APEX}` }];
    zones[`_mta-sts.${DEMO_APEX}`] = [{ type: 'TXT', value: 'v=STSv1; id=20260101' }];
    zones[`_smtp._tls.${DEMO_APEX}`] = [{ type: 'TXT', value: `v=TLSRPTv1; rua=mailto:tls@${DEMO_APEX}` }];
  }
  return zones;
}

/**
 * The demo's handover facts. Flawed: nobody owns incidents, Sentry (in the env files) is not listed
 * with a billing owner, secret locations and known issues were never written down. Fixed: complete.
 */
function demoHandover(flawed: boolean): NonNullable<LaunchreadyConfigInput['handover']> {
  const rollback = ['Redeploy the previous release tag', 'Run the down migration of the last release', 'Run launchready smoke and confirm it passes'];
  const owners = { product: 'Ana Founder <ana@market.test>', engineering: 'Ben Builder <ben@market.test>' };
  const deploy = {
    steps: ['Merge to main: CI installs, builds and runs the tests', 'Tag the release (vYYYY.MM.DD)', 'CI deploys the tag to staging, runs launchready smoke there', 'Promote the same build to production, run launchready smoke again'],
    environments: [
      { name: 'production', url: `https://www.${DEMO_APEX}`, platform: 'Fly.io (app market-prod)', branch: 'release tags' },
      { name: 'staging', url: `https://staging.${DEMO_APEX}`, platform: 'Fly.io (app market-staging)', branch: 'main' },
    ],
  };
  const stripe = { name: 'Stripe', purpose: 'payments', billingOwner: 'Ana Founder <ana@market.test>', credentials: '1Password vault "Market prod", item Stripe', url: 'https://dashboard.stripe.com' };
  if (flawed) return { owners, deploy, rollback, services: [stripe] };
  return {
    product: 'A marketplace where neighbours list, sell and message about second-hand furniture.',
    owners,
    incident: {
      owner: 'Ben Builder <ben@market.test>',
      contacts: [
        { name: 'Ben Builder', role: 'engineering, first responder', contact: '+1 555 0100' },
        { name: 'Ana Founder', role: 'product, second', contact: 'ana@market.test' },
      ],
      runbook: 'docs/runbook.md',
    },
    deploy,
    secretLocations: { '*': 'Fly.io secrets of the app (fly secrets list)', SESSION_SECRET: '1Password vault "Market prod", item Session secret' },
    services: [
      stripe,
      { name: 'Sentry', purpose: 'error tracking', billingOwner: 'Ben Builder <ben@market.test>', credentials: 'Fly.io secrets (SENTRY_DSN)' },
      { name: 'SendGrid', purpose: 'transactional email', billingOwner: 'Ana Founder <ana@market.test>', credentials: '1Password vault "Market prod", item SendGrid' },
      { name: 'Fly.io', purpose: 'hosting', billingOwner: 'Ana Founder <ana@market.test>', credentials: 'team SSO' },
    ],
    knownIssues: ['Search ignores accents (Émile finds nothing for "emile"); fix planned after launch'],
    rollback,
  };
}

/** A port free on `host` right now (the receiver binds it moments later, in the same process). */
async function freePort(host: string): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
