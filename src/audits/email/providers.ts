/**
 * Common sending providers: the SPF include they document, the DKIM selectors they use, the domains
 * their DKIM CNAMEs point into, and where their envelope sender (Return-Path) lives, which decides
 * whether SPF can align for DMARC. Data only; src/audits/email/alignment.ts reads it.
 *
 * Selectors that are random per customer (Amazon SES, Postmark) cannot be guessed; configure them
 * with `email.dkimSelectors` (a configured selector whose CNAME points into `domains` counts).
 */

/**
 * Where the provider puts the envelope sender (RFC 5321 MAIL FROM, shown as Return-Path), the
 * identifier SPF authenticates and DMARC aligns (RFC 7489 3.1.2):
 * - `domain`: the sending domain itself (mailbox providers send as the user's own address), so SPF
 *   aligns once the include is on the domain;
 * - `subdomain`: a documented custom return-path host under the domain (`label.<domain>`) that must
 *   point at the provider (CNAME or MX); SPF aligns under relaxed aspf (not under aspf=s), and the
 *   include belongs at that host, not at the domain;
 * - `provider`: the provider's own bounce domain by default; SPF passes for the provider, never
 *   aligns with you, so DMARC rests on an aligned DKIM signature.
 */
export type ReturnPath =
  | { kind: 'domain' }
  | { kind: 'subdomain'; label: string; type: 'CNAME' | 'MX'; target: string }
  | { kind: 'provider'; domain: string };

export interface ProviderInfo {
  name: string;
  /** Domain of the documented SPF include. */
  spfInclude?: string;
  /** Selectors the provider publishes or asks customers to publish. */
  dkimSelectors: string[];
  /** Per-customer selectors recognisable by shape (Postmark's `20240101123456pm`). */
  selectorPattern?: RegExp;
  /** Domains a delegated DKIM selector CNAME points into (recognises the provider). */
  domains: string[];
  returnPath: ReturnPath;
  /** What to publish for DKIM, as the provider's setup page words it (for the fix text). */
  dkimHint: string;
}

export const PROVIDERS: ProviderInfo[] = [
  {
    name: 'google', spfInclude: '_spf.google.com', dkimSelectors: ['google'], domains: ['google.com'],
    returnPath: { kind: 'domain' }, dkimHint: 'TXT at google._domainkey.<domain> with the key from Admin console > Gmail > Authenticate email',
  },
  {
    name: 'microsoft365', spfInclude: 'spf.protection.outlook.com', dkimSelectors: ['selector1', 'selector2'], domains: ['onmicrosoft.com'],
    returnPath: { kind: 'domain' }, dkimHint: 'CNAME selector1._domainkey.<domain> and selector2._domainkey.<domain> to the targets Microsoft Defender shows (…onmicrosoft.com)',
  },
  {
    name: 'sendgrid', spfInclude: 'sendgrid.net', dkimSelectors: ['s1', 's2'], domains: ['sendgrid.net'],
    returnPath: { kind: 'provider', domain: 'sendgrid.net' }, dkimHint: 'CNAME s1._domainkey.<domain> and s2._domainkey.<domain> to the targets SendGrid domain authentication shows (…sendgrid.net)',
  },
  {
    name: 'mailchimp', spfInclude: 'servers.mcsv.net', dkimSelectors: ['k1', 'k2', 'k3'], domains: ['mcsv.net'],
    returnPath: { kind: 'provider', domain: 'mcsv.net' }, dkimHint: 'CNAME k2._domainkey.<domain> to dkim2.mcsv.net and k3._domainkey.<domain> to dkim3.mcsv.net',
  },
  {
    name: 'mandrill', spfInclude: 'spf.mandrillapp.com', dkimSelectors: ['mandrill', 'mte1', 'mte2'], domains: ['mandrillapp.com'],
    returnPath: { kind: 'provider', domain: 'mandrillapp.com' }, dkimHint: 'CNAME mte1._domainkey.<domain> to dkim1.mandrillapp.com and mte2._domainkey.<domain> to dkim2.mandrillapp.com',
  },
  {
    name: 'postmark', spfInclude: 'spf.mtasv.net', dkimSelectors: ['pm'], selectorPattern: /^\d{8,}pm$/, domains: ['mtasv.net'],
    returnPath: { kind: 'subdomain', label: 'pm-bounces', type: 'CNAME', target: 'pm.mtasv.net' },
    dkimHint: 'TXT at <selector>pm._domainkey.<domain> with the key Postmark shows (list the selector in email.dkimSelectors)',
  },
  {
    name: 'mailgun', spfInclude: 'mailgun.org', dkimSelectors: ['smtp', 'mailo', 'krs'], domains: ['mailgun.org'],
    returnPath: { kind: 'domain' }, dkimHint: 'TXT at <selector>._domainkey.<domain> with the key Mailgun shows under Sending > Domain settings > DNS records',
  },
  {
    name: 'amazonses', spfInclude: 'amazonses.com', dkimSelectors: ['amazonses'], domains: ['amazonses.com'],
    returnPath: { kind: 'provider', domain: 'amazonses.com' }, dkimHint: 'the three CNAMEs <token>._domainkey.<domain> -> <token>.dkim.amazonses.com from Easy DKIM (list the tokens in email.dkimSelectors)',
  },
  {
    name: 'resend', spfInclude: 'amazonses.com', dkimSelectors: ['resend'], domains: ['amazonses.com'],
    returnPath: { kind: 'subdomain', label: 'send', type: 'MX', target: 'amazonses.com' },
    dkimHint: 'TXT at resend._domainkey.<domain> with the key Resend shows',
  },
  {
    name: 'zoho', spfInclude: 'zoho.com', dkimSelectors: ['zoho', 'zmail'], domains: ['zoho.com', 'zohomail.com'],
    returnPath: { kind: 'domain' }, dkimHint: 'TXT at <selector>._domainkey.<domain> with the key from Zoho Mail admin > Domains > Email configuration > DKIM',
  },
];

/** Selectors tried for every domain besides the providers' (not a provider: never aligned). */
export const GENERIC_SELECTORS = ['default', 'dkim', 'mail'];

export function providerByName(name: string): ProviderInfo | undefined {
  const n = name.toLowerCase().replace(/[\s_-]/g, '');
  return PROVIDERS.find((p) => p.name === n || (n === 'ses' && p.name === 'amazonses') || (n === 'm365' && p.name === 'microsoft365') || (n === 'office365' && p.name === 'microsoft365'));
}

/** True when `name` is `suffix` or ends in `.suffix` (case-insensitive, trailing dot ignored). */
export function isUnder(name: string, suffix: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const s = suffix.toLowerCase().replace(/\.$/, '');
  return n === s || n.endsWith(`.${s}`);
}

/** Selectors to try: configured ones first, then every provider's, then generic ones, without duplicates. */
export function selectorsToTry(configured: string[], providers: string[]): { selector: string; source: string }[] {
  const out = new Map<string, string>();
  for (const s of configured) out.set(s.toLowerCase(), 'config');
  const named = providers.flatMap((p) => providerByName(p) ?? []);
  for (const p of [...named, ...PROVIDERS]) for (const s of p.dkimSelectors) if (!out.has(s)) out.set(s, p.name);
  for (const s of GENERIC_SELECTORS) if (!out.has(s)) out.set(s, 'generic');
  return [...out].map(([selector, source]) => ({ selector, source }));
}
