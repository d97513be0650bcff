import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'dns/unresolved',
    stage: 2,
    severity: 'blocker',
    title: 'Name does not resolve',
    why: 'Visitors and API clients get "server not found" for this name; links, emails and apps that use it break on launch day.',
    remediation: 'Publish an A/AAAA record (or a CNAME to a name that resolves) for this name at your DNS provider, or remove the name from config if it is not meant to be public.',
  },
  {
    id: 'dns/caa-missing',
    stage: 2,
    severity: 'low',
    title: 'No CAA record restricts certificate issuance',
    why: 'Without CAA any public certificate authority may issue certificates for the domain, which widens the room for mis-issuance.',
    remediation: 'Publish CAA records naming the CAs you use, e.g. `example.com. CAA 0 issue "letsencrypt.org"` plus an `iodef` contact.',
  },
  {
    id: 'dns/points-to-staging',
    stage: 2,
    severity: 'blocker',
    title: 'Production name points to staging',
    why: 'Launch traffic would land on a staging deployment: test data, debug settings, weaker access control, and an outage when staging is redeployed.',
    remediation: 'Point the name at the production deployment (update the CNAME or A/AAAA record), and keep staging on names and addresses production never uses.',
    severityNote: 'blocker when the name matches a declared staging host, pattern or address (domains.staging); medium when it only looks like a preview/staging deployment (Vercel preview URL, *-staging, staging app on Heroku) or shares an address with a declared staging host.',
  },
  {
    id: 'dns/dangling-cname',
    stage: 2,
    severity: 'blocker',
    title: 'CNAME points at a name that does not exist (takeover risk)',
    why: 'Anyone who creates the missing resource at the provider (a bucket, an app, a site) serves their content on your name, with your cookies and reputation.',
    remediation: 'Delete the CNAME record, or re-create the resource it points at under your account before launch.',
    severityNote: 'Fires when the chain ends in NXDOMAIN, or when it resolves to a takeover-prone provider whose answer for the name is that provider\'s documented "not claimed" page (GitHub Pages, Heroku, S3, Netlify, Shopify...; table in src/audits/dns/providers.ts). Medium instead of blocker for providers that now verify ownership (Vercel, Fastly, Zendesk...): the name is broken, but nobody else can claim it.',
  },
  {
    id: 'dns/domain-expiring',
    stage: 2,
    severity: 'high',
    title: 'Domain registration expires soon',
    why: 'When the registration lapses every name under the domain stops resolving, mail bounces, and the domain can be lost to someone else.',
    remediation: 'Renew the domain at the registrar now and turn on auto-renew with a valid payment method and a monitored contact address.',
    severityNote: 'high within 30 days, blocker within 7 days (or already expired).',
  },
];
