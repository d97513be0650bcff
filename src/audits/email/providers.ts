/**
 * Common sending providers: the SPF include they document and the DKIM selectors they use.
 * Data only. Selectors that are random per customer (Amazon SES, Postmark) cannot be guessed;
 * configure them with `email.dkimSelectors`.
 */
export interface ProviderInfo {
  name: string;
  /** Domain of the documented SPF include. */
  spfInclude?: string;
  /** Selectors the provider publishes or asks customers to publish. */
  dkimSelectors: string[];
}

export const PROVIDERS: ProviderInfo[] = [
  { name: 'google', spfInclude: '_spf.google.com', dkimSelectors: ['google'] },
  { name: 'microsoft365', spfInclude: 'spf.protection.outlook.com', dkimSelectors: ['selector1', 'selector2'] },
  { name: 'sendgrid', spfInclude: 'sendgrid.net', dkimSelectors: ['s1', 's2'] },
  { name: 'mailchimp', spfInclude: 'servers.mcsv.net', dkimSelectors: ['k1', 'k2', 'k3'] },
  { name: 'mandrill', spfInclude: 'spf.mandrillapp.com', dkimSelectors: ['mandrill'] },
  { name: 'postmark', spfInclude: 'spf.mtasv.net', dkimSelectors: ['pm'] },
  { name: 'mailgun', spfInclude: 'mailgun.org', dkimSelectors: ['smtp', 'mailo', 'krs'] },
  { name: 'amazonses', spfInclude: 'amazonses.com', dkimSelectors: ['amazonses'] },
  { name: 'resend', spfInclude: 'amazonses.com', dkimSelectors: ['resend'] },
  { name: 'zoho', spfInclude: 'zoho.com', dkimSelectors: ['zoho', 'zmail'] },
  { name: 'generic', dkimSelectors: ['default', 'dkim', 'mail'] },
];

/** Selectors to try: configured ones first, then every provider's, without duplicates. */
export function selectorsToTry(configured: string[], providers: string[]): { selector: string; source: string }[] {
  const out = new Map<string, string>();
  for (const s of configured) out.set(s.toLowerCase(), 'config');
  const named = PROVIDERS.filter((p) => providers.length === 0 || providers.includes(p.name) || p.name === 'generic');
  for (const p of [...named, ...PROVIDERS]) for (const s of p.dkimSelectors) if (!out.has(s)) out.set(s, p.name);
  return [...out].map(([selector, source]) => ({ selector, source }));
}
