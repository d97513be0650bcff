/**
 * Third-party services a marketplace or community product typically pays for, and how to recognise
 * each from the outside of its code: env var prefixes (the names the providers' own docs use) and
 * npm packages (the providers' official SDKs). Data, not code: one row per service. Used by the
 * handover gatherer to list every service that needs a billing owner, declared or not.
 */

export interface ServiceDef {
  /** Display name; matched case-insensitively against handover.services[].name and `aliases`. */
  name: string;
  purpose: string;
  aliases?: string[];
  /** Env var name prefixes (upper case, as the provider documents them). */
  envPrefixes?: string[];
  /** Exact env var names. */
  envNames?: string[];
  /** npm package names or scopes (`@sentry/` matches every package of the scope). */
  packages?: string[];
  /** Email provider names as the email audit reports them (src/audits/email providers). */
  emailProviders?: string[];
}

export const SERVICES: readonly ServiceDef[] = [
  { name: 'Stripe', purpose: 'payments', envPrefixes: ['STRIPE_'], packages: ['stripe', '@stripe/'] },
  { name: 'PayPal', purpose: 'payments', envPrefixes: ['PAYPAL_'], packages: ['@paypal/'] },
  { name: 'Braintree', purpose: 'payments', envPrefixes: ['BRAINTREE_'], packages: ['braintree'] },
  { name: 'Adyen', purpose: 'payments', envPrefixes: ['ADYEN_'], packages: ['@adyen/'] },
  { name: 'Square', purpose: 'payments', envPrefixes: ['SQUARE_'], packages: ['square'] },
  { name: 'Paddle', purpose: 'payments and billing', envPrefixes: ['PADDLE_'], packages: ['@paddle/'] },
  { name: 'Lemon Squeezy', purpose: 'payments and billing', envPrefixes: ['LEMONSQUEEZY_', 'LEMON_SQUEEZY_'], packages: ['@lemonsqueezy/'] },
  { name: 'Plaid', purpose: 'bank connections', envPrefixes: ['PLAID_'], packages: ['plaid'] },
  { name: 'SendGrid', purpose: 'transactional email', envPrefixes: ['SENDGRID_'], packages: ['@sendgrid/'], emailProviders: ['sendgrid'] },
  { name: 'Mailgun', purpose: 'transactional email', envPrefixes: ['MAILGUN_'], packages: ['mailgun.js', 'mailgun-js'], emailProviders: ['mailgun'] },
  { name: 'Postmark', purpose: 'transactional email', envPrefixes: ['POSTMARK_'], packages: ['postmark'], emailProviders: ['postmark'] },
  { name: 'Resend', purpose: 'transactional email', envPrefixes: ['RESEND_'], packages: ['resend'], emailProviders: ['resend'] },
  { name: 'Amazon SES', purpose: 'transactional email', aliases: ['SES'], envPrefixes: ['SES_'], packages: ['@aws-sdk/client-ses', '@aws-sdk/client-sesv2'], emailProviders: ['amazonses'] },
  { name: 'Mailchimp', purpose: 'marketing email', aliases: ['Mandrill'], envPrefixes: ['MAILCHIMP_', 'MANDRILL_'], packages: ['@mailchimp/'], emailProviders: ['mailchimp', 'mandrill'] },
  { name: 'Brevo', purpose: 'email', aliases: ['Sendinblue'], envPrefixes: ['BREVO_', 'SENDINBLUE_'], packages: ['@getbrevo/brevo', 'sib-api-v3-sdk'], emailProviders: ['brevo', 'sendinblue'] },
  { name: 'Google Workspace', purpose: 'company email', aliases: ['Gmail', 'G Suite'], emailProviders: ['google'] },
  { name: 'Microsoft 365', purpose: 'company email', aliases: ['Outlook', 'Office 365'], emailProviders: ['microsoft365'] },
  { name: 'Zoho Mail', purpose: 'company email', emailProviders: ['zoho'] },
  { name: 'Twilio', purpose: 'SMS and phone verification', envPrefixes: ['TWILIO_'], packages: ['twilio'] },
  { name: 'Vonage', purpose: 'SMS', aliases: ['Nexmo'], envPrefixes: ['VONAGE_', 'NEXMO_'], packages: ['@vonage/'] },
  { name: 'AWS', purpose: 'cloud infrastructure', aliases: ['Amazon Web Services'], envPrefixes: ['AWS_'], packages: ['aws-sdk', '@aws-sdk/'] },
  { name: 'Google Cloud', purpose: 'cloud infrastructure', aliases: ['GCP'], envPrefixes: ['GOOGLE_CLOUD_', 'GCP_', 'GCLOUD_'], envNames: ['GOOGLE_APPLICATION_CREDENTIALS'], packages: ['@google-cloud/'] },
  { name: 'Azure', purpose: 'cloud infrastructure', envPrefixes: ['AZURE_'], packages: ['@azure/'] },
  { name: 'Cloudflare', purpose: 'DNS, CDN and edge', envPrefixes: ['CLOUDFLARE_', 'CF_API_'], packages: ['cloudflare'] },
  { name: 'Vercel', purpose: 'hosting', envPrefixes: ['VERCEL_'], packages: ['@vercel/'] },
  { name: 'Netlify', purpose: 'hosting', envPrefixes: ['NETLIFY_'], packages: ['@netlify/'] },
  { name: 'Heroku', purpose: 'hosting', envPrefixes: ['HEROKU_'] },
  { name: 'Fly.io', purpose: 'hosting', aliases: ['Fly'], envPrefixes: ['FLY_'] },
  { name: 'Render', purpose: 'hosting', envPrefixes: ['RENDER_'] },
  { name: 'DigitalOcean', purpose: 'cloud infrastructure', envPrefixes: ['DIGITALOCEAN_', 'DO_SPACES_'] },
  { name: 'Supabase', purpose: 'database, auth and storage', envPrefixes: ['SUPABASE_', 'NEXT_PUBLIC_SUPABASE_'], packages: ['@supabase/'] },
  { name: 'Firebase', purpose: 'auth, database and push', envPrefixes: ['FIREBASE_', 'NEXT_PUBLIC_FIREBASE_'], packages: ['firebase', 'firebase-admin'] },
  { name: 'Neon', purpose: 'PostgreSQL hosting', envPrefixes: ['NEON_'], packages: ['@neondatabase/'] },
  { name: 'PlanetScale', purpose: 'MySQL hosting', envPrefixes: ['PLANETSCALE_'], packages: ['@planetscale/'] },
  { name: 'Upstash', purpose: 'Redis and queues', envPrefixes: ['UPSTASH_'], packages: ['@upstash/'] },
  { name: 'MongoDB Atlas', purpose: 'database hosting', envPrefixes: ['MONGODB_ATLAS_', 'ATLAS_'] },
  { name: 'Clerk', purpose: 'authentication', envPrefixes: ['CLERK_', 'NEXT_PUBLIC_CLERK_'], packages: ['@clerk/'] },
  { name: 'Auth0', purpose: 'authentication', envPrefixes: ['AUTH0_'], packages: ['auth0', '@auth0/'] },
  { name: 'Okta', purpose: 'authentication', envPrefixes: ['OKTA_'], packages: ['@okta/'] },
  { name: 'Sentry', purpose: 'error tracking', envPrefixes: ['SENTRY_', 'NEXT_PUBLIC_SENTRY_'], packages: ['@sentry/'] },
  { name: 'Datadog', purpose: 'monitoring and logs', envPrefixes: ['DATADOG_', 'DD_'], packages: ['dd-trace', '@datadog/'] },
  { name: 'New Relic', purpose: 'monitoring', envPrefixes: ['NEW_RELIC_'], packages: ['newrelic'] },
  { name: 'Logtail', purpose: 'logs', aliases: ['Better Stack'], envPrefixes: ['LOGTAIL_', 'BETTERSTACK_'], packages: ['@logtail/'] },
  { name: 'PostHog', purpose: 'product analytics', envPrefixes: ['POSTHOG_', 'NEXT_PUBLIC_POSTHOG_'], packages: ['posthog-node', 'posthog-js'] },
  { name: 'Segment', purpose: 'analytics pipeline', envPrefixes: ['SEGMENT_'], packages: ['@segment/'] },
  { name: 'Mixpanel', purpose: 'product analytics', envPrefixes: ['MIXPANEL_'], packages: ['mixpanel', 'mixpanel-browser'] },
  { name: 'Algolia', purpose: 'search', envPrefixes: ['ALGOLIA_', 'NEXT_PUBLIC_ALGOLIA_'], packages: ['algoliasearch'] },
  { name: 'Cloudinary', purpose: 'image hosting', envPrefixes: ['CLOUDINARY_'], packages: ['cloudinary'] },
  { name: 'Uploadcare', purpose: 'file uploads', envPrefixes: ['UPLOADCARE_'], packages: ['@uploadcare/'] },
  { name: 'Pusher', purpose: 'realtime messaging', envPrefixes: ['PUSHER_'], packages: ['pusher', 'pusher-js'] },
  { name: 'Ably', purpose: 'realtime messaging', envPrefixes: ['ABLY_'], packages: ['ably'] },
  { name: 'Stream', purpose: 'chat and feeds', aliases: ['GetStream'], envPrefixes: ['STREAM_API_'], packages: ['stream-chat', 'getstream'] },
  { name: 'Intercom', purpose: 'customer support', envPrefixes: ['INTERCOM_'], packages: ['intercom-client'] },
  { name: 'Zendesk', purpose: 'customer support', envPrefixes: ['ZENDESK_'], packages: ['node-zendesk'] },
  { name: 'Slack', purpose: 'alerts and team chat', envPrefixes: ['SLACK_'], packages: ['@slack/'] },
  { name: 'Discord', purpose: 'community and alerts', envPrefixes: ['DISCORD_'], packages: ['discord.js'] },
  { name: 'PagerDuty', purpose: 'on-call paging', envPrefixes: ['PAGERDUTY_'], packages: ['@pagerduty/'] },
  { name: 'OpenAI', purpose: 'AI features', envPrefixes: ['OPENAI_'], packages: ['openai'] },
  { name: 'Anthropic', purpose: 'AI features', envPrefixes: ['ANTHROPIC_'], packages: ['@anthropic-ai/'] },
  { name: 'Hugging Face', purpose: 'AI features', envPrefixes: ['HUGGINGFACE_', 'HF_'], packages: ['@huggingface/'] },
  { name: 'Google Maps', purpose: 'maps and places', envPrefixes: ['GOOGLE_MAPS_', 'NEXT_PUBLIC_GOOGLE_MAPS_'], packages: ['@googlemaps/'] },
  { name: 'Mapbox', purpose: 'maps', envPrefixes: ['MAPBOX_', 'NEXT_PUBLIC_MAPBOX_'], packages: ['mapbox-gl', '@mapbox/'] },
  { name: 'Shippo', purpose: 'shipping labels', envPrefixes: ['SHIPPO_'], packages: ['shippo'] },
  { name: 'reCAPTCHA', purpose: 'bot protection', envPrefixes: ['RECAPTCHA_', 'NEXT_PUBLIC_RECAPTCHA_'] },
  { name: 'hCaptcha', purpose: 'bot protection', envPrefixes: ['HCAPTCHA_'], packages: ['@hcaptcha/'] },
  { name: 'Turnstile', purpose: 'bot protection', aliases: ['Cloudflare Turnstile'], envPrefixes: ['TURNSTILE_'] },
  { name: 'GitHub', purpose: 'code hosting and CI', envPrefixes: ['GITHUB_'], packages: ['@octokit/'] },
  { name: 'npm', purpose: 'package registry', envNames: ['NPM_TOKEN'] },
];

/** Normalised key for comparing service names: lower case, letters and digits only. */
export function serviceKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The catalogue row a declared or detected name refers to (by name or alias), if any. */
export function findService(name: string): ServiceDef | undefined {
  const k = serviceKey(name);
  return SERVICES.find((s) => serviceKey(s.name) === k || (s.aliases ?? []).some((a) => serviceKey(a) === k));
}

/** Services an env var name points at (prefix or exact name). */
export function servicesOfEnvKey(key: string): ServiceDef[] {
  const k = key.toUpperCase();
  return SERVICES.filter((s) => (s.envNames ?? []).includes(k) || (s.envPrefixes ?? []).some((p) => k.startsWith(p)));
}

/** Services an npm package belongs to (exact name, or a scope ending in `/`). */
export function servicesOfPackage(pkg: string): ServiceDef[] {
  return SERVICES.filter((s) => (s.packages ?? []).some((p) => (p.endsWith('/') ? pkg.startsWith(p) : pkg === p)));
}

/** Services an email provider name (from the email audit) belongs to. */
export function servicesOfEmailProvider(provider: string): ServiceDef[] {
  const k = provider.toLowerCase();
  return SERVICES.filter((s) => (s.emailProviders ?? []).includes(k));
}
