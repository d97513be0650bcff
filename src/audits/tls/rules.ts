import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'tls/expired',
    stage: 2,
    severity: 'blocker',
    title: 'Certificate expired or not yet valid',
    why: 'Browsers and API clients refuse the connection with a full-page warning; nobody reaches the site.',
    remediation: 'Renew the certificate now and automate renewal (ACME: certbot, your CDN or host platform), then check the server was reloaded and serves the new one.',
  },
  {
    id: 'tls/expiring-soon',
    stage: 2,
    severity: 'high',
    title: 'Certificate expires soon',
    why: 'When it lapses, every visitor gets a security warning; renewals that have not happened by now are often not automated.',
    remediation: 'Renew the certificate and confirm automatic renewal works (run the renewal in dry-run mode and add a monitor check on days to expiry).',
    severityNote: 'high within 14 days, medium within 30 days.',
  },
  {
    id: 'tls/hostname-mismatch',
    stage: 2,
    severity: 'blocker',
    title: 'Certificate does not cover this name',
    why: 'Clients reject a certificate issued for another name, so this host shows a security error to every visitor.',
    remediation: 'Issue a certificate whose Subject Alternative Names include this exact name (or a matching wildcard), and make the server select it by SNI.',
  },
  {
    id: 'tls/untrusted-chain',
    stage: 2,
    severity: 'blocker',
    title: 'Certificate chain is incomplete, self-signed or from an unknown root',
    why: 'Browsers may cope with a missing intermediate by luck, but mobile apps, API clients and payment webhooks do not: they refuse the connection.',
    remediation: 'Serve the full chain (leaf followed by every intermediate, e.g. fullchain.pem) from a publicly trusted CA; never a self-signed certificate in production.',
  },
  {
    id: 'tls/legacy-protocol',
    stage: 2,
    severity: 'medium',
    title: 'TLS 1.0 or 1.1 is accepted',
    why: 'TLS 1.0 and 1.1 are deprecated (RFC 8996): PCI DSS and security scanners flag them, and they allow downgrade to weak ciphers.',
    remediation: 'Set the minimum protocol to TLS 1.2 on the server, load balancer or CDN (e.g. nginx `ssl_protocols TLSv1.2 TLSv1.3;`).',
  },
];
