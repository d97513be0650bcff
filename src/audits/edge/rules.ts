import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'edge/http-not-redirected',
    stage: 2,
    severity: 'high',
    title: 'Plain HTTP serves content instead of redirecting to HTTPS',
    why: 'Visitors who type the name or follow an old link stay on an unencrypted page where logins and cookies can be read or altered on the way.',
    remediation: 'Answer every http:// request with a 301 (or 308) to the same path on https://, at the edge or load balancer, before any application code runs.',
  },
  {
    id: 'edge/redirect-loop',
    stage: 2,
    severity: 'blocker',
    title: 'Redirects never reach a final page',
    why: 'Browsers give up with "too many redirects": the site is down for everyone who reaches this name.',
    remediation: 'Make exactly one layer own the redirects (CDN, load balancer or app), and check that the app trusts X-Forwarded-Proto when TLS ends at the edge.',
  },
  {
    id: 'edge/hsts-missing',
    stage: 2,
    severity: 'high',
    title: 'HTTPS response has no Strict-Transport-Security',
    why: 'Without HSTS a browser tries http:// first, so an attacker on the network can keep a visitor on an unencrypted copy of the site (SSL stripping).',
    remediation: 'Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response (add `preload` once every subdomain serves HTTPS).',
  },
  {
    id: 'edge/hsts-weak',
    stage: 2,
    severity: 'medium',
    title: 'HSTS max-age below one year, or header malformed',
    why: 'A short max-age lets the protection lapse between visits, and a malformed header is ignored by browsers entirely.',
    remediation: 'Send one well-formed header: `Strict-Transport-Security: max-age=31536000; includeSubDomains` (RFC 6797).',
  },
];
