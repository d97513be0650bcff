/**
 * The secret detectors, as data (gitleaks style). Each rule carries its own true-positive samples,
 * generated here from the provider's documented format (prefix + random characters of the right
 * charset and length, seeded per rule so runs are stable), and look-alikes that must not fire.
 * Samples are built at load time rather than written as literals so that no real-looking token is
 * ever committed (push protection would block it, and rightly so).
 *
 * Regex conventions:
 * - `tok()` wraps a token pattern in boundaries so a token inside a longer word never matches.
 * - `assigned()` matches `NAME = value` / `"NAME": "value"` / `NAME: value` / `NAME:"value"` (minified),
 *   capturing the name (group 1) and the value (group 2); used where the value alone is not distinctive.
 */
import type { RuleFamily, SecretRule } from './types.js';
import { SampleGen, b64url, isPlaceholder } from './util.js';

// ---------------------------------------------------------------------------------------------
// Helpers

const LB = '(?<![A-Za-z0-9_])';
const RB = '(?![A-Za-z0-9_-])';

/** A self-identifying token (distinct prefix): boundaries on both sides, case-sensitive. */
function tok(source: string, flags = 'g'): RegExp {
  return new RegExp(`${LB}(${source})${RB}`, flags);
}

/** `name ... = value` in source, JSON, YAML, .env, INI and minified JS. Case-insensitive. */
function assigned(name: string, value: string): RegExp {
  return new RegExp(
    `((?:${name})[\\w.-]{0,24}?)["'\`]?\\s{0,4}(?::=|=>|=|:)\\s{0,4}["'\`]?(${value})(?![A-Za-z0-9_+/=.~-])`,
    'gi',
  );
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

interface Spec {
  regex: RegExp;
  keywords: string[];
  /** Samples: the generator gets a per-rule seeded SampleGen. */
  tp: (g: SampleGen) => string[];
  fp: (g: SampleGen) => string[];
  entropy?: number;
  sampleKey?: string;
  verify?: (s: string) => boolean;
  generic?: boolean;
  testKey?: boolean;
  browserSafe?: boolean;
  allow?: SecretRule['allow'];
  window?: number;
}

function rule(
  id: string,
  provider: string,
  kind: string,
  family: RuleFamily,
  rotateUrl: string,
  s: Spec,
): SecretRule {
  const g = new SampleGen(id);
  const isAssigned = s.regex.source.startsWith('((?:');
  const r: SecretRule = {
    id,
    provider,
    kind,
    family,
    regex: s.regex,
    keywords: s.keywords,
    secretGroup: isAssigned ? 2 : 1,
    rotateUrl,
    tp: s.tp(g),
    fp: s.fp(g),
  };
  if (isAssigned) r.nameGroup = 1;
  if (s.entropy !== undefined) r.entropy = s.entropy;
  if (s.sampleKey !== undefined) r.sampleKey = s.sampleKey;
  if (s.verify) r.verify = s.verify;
  if (s.generic) r.generic = true;
  if (s.testKey) r.testKey = true;
  if (s.browserSafe) r.browserSafe = true;
  if (s.allow) r.allow = s.allow;
  if (s.window !== undefined) r.window = s.window;
  return r;
}

/** A token rule whose secret is the whole (prefixed) token. */
function prefixed(
  id: string,
  provider: string,
  kind: string,
  family: RuleFamily,
  rotateUrl: string,
  source: string,
  keywords: string[],
  tp: (g: SampleGen) => string[],
  fp: (g: SampleGen) => string[],
  extra: Partial<Spec> = {},
): SecretRule {
  return rule(id, provider, kind, family, rotateUrl, { regex: tok(source), keywords, tp, fp, entropy: 3, ...extra });
}

function jwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const v = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function jwt(g: SampleGen, payload: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.${g.r('url', 43)}`;
}

/** Values in generic assignments that are code, not credentials (`req.body.password`, `getToken`). */
function notCode(v: string): boolean {
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(v)) return false; // dotted identifier
  if (/^[A-Za-z_]+$/.test(v)) return false; // bare identifier / word
  if (/^[$@%&*]/.test(v)) return false; // template or reference
  if (/^(?:https?|file):\/\//i.test(v)) return false;
  if (/^(?:\/|~\/|\.\.?\/)/.test(v)) return false; // filesystem paths
  if (/^[\d.:-]+$/.test(v)) return false; // numbers, versions, times
  return true;
}

const GENERIC_NAME_EXCLUDE = [
  /(?:url|uri|path|file|name|id|ids|type|len|length|header|field|prompt|label|placeholder|endpoint|expiry|expires|expires_at|ttl|count|limit|format|version|mode|policy|hint|regex|pattern|reset|min|max|key_id|location|store|cache|storage|column|input|validation|hash|digest|salt_rounds|rounds|strength|confirm|confirmation|required|rule|rules|policy)$/i,
];
/**
 * A generic value that is only a stand-in: `test_…`/`test-…` fixture values, or base64 of a
 * placeholder (Kubernetes Secret manifests hold `cGFzc3dvcmQ=`, base64 of "password").
 */
function standIn(v: string): boolean {
  if (/^test[_-]/i.test(v)) return true;
  if (v.length % 4 === 0 && /^[A-Za-z0-9+/]{4,}={0,2}$/.test(v)) {
    const d = Buffer.from(v, 'base64');
    if (d.every((b) => b >= 0x20 && b <= 0x7e)) {
      const t = d.toString('latin1');
      return isPlaceholder(t) || GENERIC_STOPWORDS.includes(t.toLowerCase()) || /^(?:[a-z]+|[a-z]+\d{1,4})$/i.test(t);
    }
  }
  return false;
}

const GENERIC_STOPWORDS = ['password', 'secret', 'token', 'undefined', 'null', 'true', 'false', 'string', 'required', 'optional', 'bearer'];

// Providers' rotation / revocation pages.
const URL = {
  aws: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  gcpKey: 'https://cloud.google.com/docs/authentication/api-keys',
  gcpSa: 'https://cloud.google.com/iam/docs/keys-create-delete',
  gcpOauth: 'https://support.google.com/cloud/answer/15549257',
  azureStorage: 'https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage',
  azureAd: 'https://learn.microsoft.com/entra/identity-platform/howto-create-service-principal-portal',
  alibaba: 'https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair',
  stripe: 'https://docs.stripe.com/keys#rolling-keys',
  stripeWebhook: 'https://docs.stripe.com/webhooks#roll-endpoint-secrets',
  paypal: 'https://developer.paypal.com/api/rest/',
  braintree: 'https://developer.paypal.com/braintree/articles/control-panel/important-gateway-credentials',
  square: 'https://developer.squareup.com/docs/build-basics/access-tokens',
  adyen: 'https://docs.adyen.com/development-resources/api-credentials/',
  shopify: 'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens',
  plaid: 'https://plaid.com/docs/account/security/#rotating-keys',
  flutterwave: 'https://developer.flutterwave.com/docs/api-keys',
  github: 'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation',
  gitlab: 'https://docs.gitlab.com/user/profile/personal_access_tokens/',
  npm: 'https://docs.npmjs.com/revoking-access-tokens',
  pypi: 'https://pypi.org/help/#apitoken',
  docker: 'https://docs.docker.com/security/for-developers/access-tokens/',
  atlassian: 'https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/',
  rubygems: 'https://guides.rubygems.org/api-key-scopes/',
  nuget: 'https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys',
  circleci: 'https://circleci.com/docs/managing-api-tokens/',
  snyk: 'https://docs.snyk.io/snyk-api/authentication-for-api/revoke-and-regenerate-a-snyk-api-token',
  slack: 'https://api.slack.com/authentication/rotation',
  slackWebhook: 'https://api.slack.com/messaging/webhooks',
  discord: 'https://discord.com/developers/applications',
  telegram: 'https://core.telegram.org/bots/features#botfather',
  twilio: 'https://www.twilio.com/docs/iam/api-keys',
  sendgrid: 'https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys',
  mailgun: 'https://help.mailgun.com/hc/en-us/articles/203380100',
  postmark: 'https://postmarkapp.com/support/article/1008-what-are-the-account-and-server-api-tokens',
  mailchimp: 'https://mailchimp.com/help/about-api-keys/',
  resend: 'https://resend.com/docs/dashboard/api-keys/introduction',
  brevo: 'https://help.brevo.com/hc/en-us/articles/209467485',
  mailjet: 'https://documentation.mailjet.com/hc/en-us/articles/360042412734',
  teams: 'https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook',
  algolia: 'https://www.algolia.com/doc/guides/security/api-keys/',
  openai: 'https://platform.openai.com/api-keys',
  anthropic: 'https://console.anthropic.com/settings/keys',
  hf: 'https://huggingface.co/docs/hub/security-tokens',
  cohere: 'https://dashboard.cohere.com/api-keys',
  groq: 'https://console.groq.com/keys',
  replicate: 'https://replicate.com/account/api-tokens',
  perplexity: 'https://docs.perplexity.ai/guides/getting-started',
  xai: 'https://console.x.ai/',
  mistral: 'https://console.mistral.ai/api-keys/',
  deepseek: 'https://platform.deepseek.com/api_keys',
  openrouter: 'https://openrouter.ai/settings/keys',
  langsmith: 'https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key',
  pinecone: 'https://docs.pinecone.io/guides/projects/manage-api-keys',
  supabase: 'https://supabase.com/docs/guides/api/api-keys',
  firebase: 'https://firebase.google.com/docs/cloud-messaging/auth-server',
  clerk: 'https://clerk.com/docs/guides/development/clerk-environment-variables',
  auth0: 'https://auth0.com/docs/get-started/applications/rotate-client-secret',
  okta: 'https://help.okta.com/en-us/content/topics/security/api.htm',
  cloudflare: 'https://developers.cloudflare.com/fundamentals/api/how-to/roll-token/',
  digitalocean: 'https://docs.digitalocean.com/reference/api/create-personal-access-token/',
  heroku: 'https://devcenter.heroku.com/articles/authentication',
  vercel: 'https://vercel.com/docs/rest-api#creating-an-access-token',
  netlify: 'https://docs.netlify.com/api/get-started/#authentication',
  sentry: 'https://docs.sentry.io/account/auth-tokens/',
  fly: 'https://fly.io/docs/security/tokens/',
  railway: 'https://docs.railway.com/reference/public-api',
  terraform: 'https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens',
  vault: 'https://developer.hashicorp.com/vault/docs/concepts/tokens',
  pulumi: 'https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/',
  doppler: 'https://docs.doppler.com/docs/service-tokens',
  grafana: 'https://grafana.com/docs/grafana/latest/administration/service-accounts/',
  datadog: 'https://docs.datadoghq.com/account_management/api-app-keys/',
  newrelic: 'https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/',
  planetscale: 'https://planetscale.com/docs/concepts/service-tokens',
  linear: 'https://linear.app/docs/api-and-webhooks',
  db: '',
  key: '',
};

// ---------------------------------------------------------------------------------------------
// Cloud

const cloud: SecretRule[] = [
  prefixed('aws-access-key-id', 'AWS', 'access key id', 'cloud', URL.aws, '(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}', ['akia', 'asia', 'abia', 'acca'],
    (g) => ['AKIA' + g.r('b32', 16), 'ASIA' + g.r('b32', 16)],
    (g) => ['AKIAIOSFODNN7EXAMPLE', 'AKIA' + g.r('b32', 15), 'AKIA' + g.r('b32', 17)]),
  rule('aws-secret-access-key', 'AWS', 'secret access key', 'cloud', URL.aws, {
    regex: assigned('aws[_-]?secret[_-]?(?:access[_-]?)?key', '[A-Za-z0-9/+]{40}'),
    keywords: ['aws_secret', 'aws-secret', 'awssecret'],
    entropy: 4,
    sampleKey: 'AWS_SECRET_ACCESS_KEY',
    tp: (g) => [g.r('b64', 40), g.r('b64', 40)],
    fp: () => ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '${AWS_SECRET_ACCESS_KEY}', '<your-secret-access-key>'],
  }),
  prefixed('aws-mws-key', 'AWS', 'MWS auth token', 'cloud', URL.aws, `amzn\\.mws\\.${UUID}`, ['amzn.mws.'],
    (g) => ['amzn.mws.' + g.uuid()], (g) => ['amzn.mws.' + g.r('hex', 32)]),
  prefixed('aws-bedrock-api-key', 'AWS', 'Bedrock API key', 'cloud', URL.aws, 'ABSK[A-Za-z0-9+/]{109,269}={0,2}', ['absk'],
    (g) => ['ABSK' + g.r('alnum', 130)], (g) => ['ABSK' + g.r('alnum', 40)]),
  prefixed('gcp-api-key', 'Google Cloud', 'API key', 'cloud', URL.gcpKey, 'AIza[0-9A-Za-z_-]{35}', ['aiza'],
    (g) => ['AIza' + g.r('url', 35)], (g) => ['AIza' + g.r('url', 30), 'AIzaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'], { browserSafe: true }),
  rule('gcp-service-account-key', 'Google Cloud', 'service account key', 'cloud', URL.gcpSa, {
    regex: assigned('private_key_id', '[a-f0-9]{40}'),
    keywords: ['private_key_id'],
    entropy: 3,
    sampleKey: 'private_key_id',
    tp: (g) => [g.r('hex', 40)],
    fp: (g) => [g.r('hex', 39), '0000000000000000000000000000000000000000'],
  }),
  prefixed('gcp-oauth-client-secret', 'Google Cloud', 'OAuth client secret', 'cloud', URL.gcpOauth, 'GOCSPX-[A-Za-z0-9_-]{28}', ['gocspx-'],
    (g) => ['GOCSPX-' + g.r('url', 28)], (g) => ['GOCSPX-' + g.r('url', 20)]),
  rule('azure-storage-account-key', 'Azure', 'storage account key', 'cloud', URL.azureStorage, {
    regex: /AccountKey=([A-Za-z0-9+/]{86}==)/g,
    keywords: ['accountkey='],
    entropy: 4,
    tp: (g) => [`DefaultEndpointsProtocol=https;AccountName=${g.r('lower', 10)};AccountKey=${g.r('b64', 86)}==;EndpointSuffix=core.windows.net`],
    fp: () => ['DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=<account-key>;EndpointSuffix=core.windows.net'],
  }),
  rule('azure-sas-token', 'Azure', 'shared access signature', 'cloud', URL.azureStorage, {
    regex: /[?&]sv=\d{4}-\d{2}-\d{2}&[^\s"'<>]{0,300}?&sig=([A-Za-z0-9%+/]{40,100}(?:%3D|=)?)/g,
    keywords: ['sig='],
    entropy: 3.5,
    tp: (g) => [`https://${g.r('lower', 8)}.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2027-01-01T00:00:00Z&sig=${g.r('alnum', 43)}%3D`],
    fp: () => ['https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&sp=r&sig=<signature>'],
  }),
  prefixed('azure-ad-client-secret', 'Azure', 'Entra ID client secret', 'cloud', URL.azureAd, '[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}', ['q~'],
    (g) => [g.r('alnum', 3) + '8Q~' + g.r('alnum', 34)], (g) => [g.r('alnum', 3) + '8Q~' + g.r('alnum', 20)]),
  prefixed('alibaba-access-key-id', 'Alibaba Cloud', 'AccessKey id', 'cloud', URL.alibaba, 'LTAI[A-Za-z0-9]{20}', ['ltai'],
    (g) => ['LTAI' + g.r('alnum', 20)], (g) => ['LTAI' + g.r('alnum', 12)]),
];

// ---------------------------------------------------------------------------------------------
// Payments

const payments: SecretRule[] = [
  prefixed('stripe-secret-key', 'Stripe', 'live secret key', 'payments', URL.stripe, 'sk_live_[A-Za-z0-9]{24,247}', ['sk_live_'],
    (g) => ['sk_' + 'live_' + g.r('alnum', 24), 'sk_' + 'live_' + g.r('alnum', 99)],
    (g) => ['sk_' + 'live_' + g.r('alnum', 12), 'pk_' + 'live_' + g.r('alnum', 99), 'sk_' + 'live_xxxxxxxxxxxxxxxxxxxxxxxxxxxx']),
  prefixed('stripe-test-secret-key', 'Stripe', 'test secret key', 'payments', URL.stripe, 'sk_test_[A-Za-z0-9]{24,247}', ['sk_test_'],
    (g) => ['sk_' + 'test_' + g.r('alnum', 99)], (g) => ['pk_' + 'test_' + g.r('alnum', 99)], { testKey: true }),
  prefixed('stripe-restricted-key', 'Stripe', 'live restricted key', 'payments', URL.stripe, 'rk_live_[A-Za-z0-9]{24,247}', ['rk_live_'],
    (g) => ['rk_' + 'live_' + g.r('alnum', 99)], (g) => ['rk_' + 'live_' + g.r('alnum', 10)]),
  prefixed('stripe-test-restricted-key', 'Stripe', 'test restricted key', 'payments', URL.stripe, 'rk_test_[A-Za-z0-9]{24,247}', ['rk_test_'],
    (g) => ['rk_' + 'test_' + g.r('alnum', 99)], (g) => ['rk_' + 'test_' + g.r('alnum', 10)], { testKey: true }),
  prefixed('stripe-webhook-secret', 'Stripe', 'webhook signing secret', 'payments', URL.stripeWebhook, 'whsec_[A-Za-z0-9+/=]{32,88}', ['whsec_'],
    (g) => ['whsec_' + g.r('alnum', 32)], (g) => ['whsec_' + g.r('alnum', 16), 'whsec_...']),
  prefixed('braintree-access-token', 'PayPal Braintree', 'production access token', 'payments', URL.braintree,
    'access_token\\$production\\$[0-9a-z]{16}\\$[0-9a-f]{32}', ['access_token$production$'],
    (g) => [`access_token$production$${g.r('lower', 16)}$${g.r('hex', 32)}`], (g) => [`access_token$sandbox$${g.r('lower', 16)}$${g.r('hex', 32)}`]),
  rule('braintree-private-key', 'PayPal Braintree', 'private key', 'payments', URL.braintree, {
    regex: assigned('braintree[\\w-]{0,16}private[_-]?key', '[a-f0-9]{32}'),
    keywords: ['braintree'], entropy: 3, sampleKey: 'BRAINTREE_PRIVATE_KEY',
    tp: (g) => [g.r('hex', 32)], fp: () => ['your_private_key'],
  }),
  rule('paypal-client-secret', 'PayPal', 'REST client secret', 'payments', URL.paypal, {
    regex: assigned('paypal[\\w-]{0,16}secret', '[A-Za-z0-9_-]{80}'),
    keywords: ['paypal'], entropy: 4, sampleKey: 'PAYPAL_CLIENT_SECRET',
    tp: (g) => ['E' + g.r('url', 79)], fp: () => ['${PAYPAL_CLIENT_SECRET}'],
  }),
  prefixed('square-access-token', 'Square', 'production access token', 'payments', URL.square, 'EAAA[A-Za-z0-9_-]{60}', ['eaaa'],
    (g) => ['EAAA' + g.r('url', 60)], (g) => ['EAAA' + g.r('url', 40)]),
  prefixed('square-legacy-access-token', 'Square', 'legacy access token', 'payments', URL.square, 'sq0atp-[0-9A-Za-z_-]{22}', ['sq0atp-'],
    (g) => ['sq0atp-' + g.r('url', 22)], (g) => ['sq0atp-' + g.r('url', 10)]),
  prefixed('square-oauth-secret', 'Square', 'OAuth application secret', 'payments', URL.square, 'sq0csp-[0-9A-Za-z_-]{43}', ['sq0csp-'],
    (g) => ['sq0csp-' + g.r('url', 43)], (g) => ['sq0csp-' + g.r('url', 20)]),
  rule('adyen-api-key', 'Adyen', 'API key', 'payments', URL.adyen, {
    regex: assigned('adyen[\\w-]{0,16}(?:api)?[_-]?key', 'AQE[A-Za-z0-9+/=._-]{60,400}'),
    keywords: ['adyen'], entropy: 4, sampleKey: 'ADYEN_API_KEY',
    tp: (g) => ['AQE' + g.r('alnum', 30) + '.' + g.r('b64', 60)], fp: () => ['AQE_YOUR_KEY'],
  }),
  rule('adyen-hmac-key', 'Adyen', 'webhook HMAC key', 'payments', URL.adyen, {
    regex: assigned('adyen[\\w-]{0,16}hmac[\\w-]{0,8}', '[A-F0-9]{64}'),
    keywords: ['adyen'], entropy: 3, sampleKey: 'ADYEN_HMAC_KEY',
    tp: (g) => [g.r('HEX', 64)], fp: () => ['<hmac-key>'],
  }),
  prefixed('shopify-access-token', 'Shopify', 'Admin API access token', 'payments', URL.shopify, 'shpat_[a-fA-F0-9]{32}', ['shpat_'],
    (g) => ['shpat_' + g.r('hex', 32)], (g) => ['shpat_' + g.r('hex', 31)]),
  prefixed('shopify-custom-app-token', 'Shopify', 'custom app access token', 'payments', URL.shopify, 'shpca_[a-fA-F0-9]{32}', ['shpca_'],
    (g) => ['shpca_' + g.r('hex', 32)], (g) => ['shpca_' + g.r('hex', 20)]),
  prefixed('shopify-private-app-token', 'Shopify', 'private app access token', 'payments', URL.shopify, 'shppa_[a-fA-F0-9]{32}', ['shppa_'],
    (g) => ['shppa_' + g.r('hex', 32)], (g) => ['shppa_' + g.r('hex', 20)]),
  prefixed('shopify-shared-secret', 'Shopify', 'app shared secret', 'payments', URL.shopify, 'shpss_[a-fA-F0-9]{32}', ['shpss_'],
    (g) => ['shpss_' + g.r('hex', 32)], (g) => ['shpss_' + g.r('hex', 20)]),
  prefixed('flutterwave-secret-key', 'Flutterwave', 'live secret key', 'payments', URL.flutterwave, 'FLWSECK-[a-f0-9]{32}-X', ['flwseck-'],
    (g) => [`FLWSECK-${g.r('hex', 32)}-X`], (g) => [`FLWSECK_TEST-${g.r('hex', 32)}-X`]),
  rule('plaid-secret', 'Plaid', 'API secret', 'payments', URL.plaid, {
    regex: assigned('plaid[\\w-]{0,16}secret', '[a-f0-9]{30}'),
    keywords: ['plaid'], entropy: 3, sampleKey: 'PLAID_SECRET',
    tp: (g) => [g.r('hex', 30)], fp: () => ['your-plaid-secret'],
  }),
  prefixed('plaid-access-token', 'Plaid', 'production access token', 'payments', URL.plaid, `access-production-${UUID}`, ['access-production-'],
    (g) => ['access-production-' + g.uuid()], (g) => ['access-sandbox-' + g.uuid()]),
];

// ---------------------------------------------------------------------------------------------
// Code hosts and registries

const gh = (p: string, kind: string): SecretRule =>
  prefixed(`github-${kind.replace(/ /g, '-')}`, 'GitHub', kind, 'code-hosts', URL.github, `${p}_[A-Za-z0-9]{36}`, [`${p}_`],
    (g) => [`${p}_` + g.r('alnum', 36)], (g) => [`${p}_` + g.r('alnum', 30), `${p}_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`]);

const codeHosts: SecretRule[] = [
  gh('ghp', 'personal access token'),
  gh('gho', 'oauth token'),
  gh('ghu', 'app user token'),
  gh('ghs', 'app installation token'),
  gh('ghr', 'refresh token'),
  prefixed('github-fine-grained-token', 'GitHub', 'fine-grained personal access token', 'code-hosts', URL.github,
    'github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}', ['github_pat_'],
    (g) => ['github_pat_' + g.r('alnum', 22) + '_' + g.r('alnum', 59)], (g) => ['github_pat_' + g.r('alnum', 22)]),
  prefixed('gitlab-personal-access-token', 'GitLab', 'personal access token', 'code-hosts', URL.gitlab, 'glpat-[A-Za-z0-9_.-]{20,80}', ['glpat-'],
    (g) => ['glpat-' + g.r('url', 20), 'glpat-' + g.r('url', 27) + '.01.' + g.r('lower', 9)], (g) => ['glpat-' + g.r('url', 12)]),
  prefixed('gitlab-pipeline-trigger-token', 'GitLab', 'pipeline trigger token', 'code-hosts', URL.gitlab, 'glptt-[a-f0-9]{40}', ['glptt-'],
    (g) => ['glptt-' + g.r('hex', 40)], (g) => ['glptt-' + g.r('hex', 20)]),
  prefixed('gitlab-runner-token', 'GitLab', 'runner authentication token', 'code-hosts', URL.gitlab, 'glrt-[A-Za-z0-9_-]{20,}', ['glrt-'],
    (g) => ['glrt-' + g.r('url', 20)], (g) => ['glrt-' + g.r('url', 10)]),
  prefixed('gitlab-deploy-token', 'GitLab', 'deploy token', 'code-hosts', URL.gitlab, 'gldt-[A-Za-z0-9_-]{20,}', ['gldt-'],
    (g) => ['gldt-' + g.r('url', 20)], (g) => ['gldt-' + g.r('url', 10)]),
  prefixed('gitlab-oauth-app-secret', 'GitLab', 'OAuth application secret', 'code-hosts', URL.gitlab, 'gloas-[a-f0-9]{64}', ['gloas-'],
    (g) => ['gloas-' + g.r('hex', 64)], (g) => ['gloas-' + g.r('hex', 32)]),
  prefixed('npm-access-token', 'npm', 'access token', 'code-hosts', URL.npm, 'npm_[A-Za-z0-9]{36}', ['npm_'],
    (g) => ['npm_' + g.r('alnum', 36)], (g) => ['npm_' + g.r('alnum', 20), 'npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']),
  rule('npmrc-auth-token', 'npm', '.npmrc _authToken', 'code-hosts', URL.npm, {
    regex: assigned('_authToken', '[A-Za-z0-9_.+/=-]{20,200}'),
    // A fallback: an npm_ token on the same span reports as npm-access-token.
    generic: true,
    keywords: ['_authtoken'], entropy: 3.5, sampleKey: '//registry.npmjs.org/:_authToken',
    tp: (g) => [g.uuid(), g.r('b64', 40)], fp: () => ['${NPM_TOKEN}'],
  }),
  prefixed('pypi-upload-token', 'PyPI', 'upload token', 'code-hosts', URL.pypi, 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}', ['pypi-ageichlwas5vcmc'],
    (g) => ['pypi-AgEIcHlwaS5vcmc' + g.r('url', 120)], (g) => ['pypi-AgEIcHlwaS5vcmc' + g.r('url', 20)]),
  prefixed('dockerhub-pat', 'Docker Hub', 'personal access token', 'code-hosts', URL.docker, 'dckr_pat_[A-Za-z0-9_-]{27}', ['dckr_pat_'],
    (g) => ['dckr_pat_' + g.r('url', 27)], (g) => ['dckr_pat_' + g.r('url', 20)]),
  prefixed('dockerhub-oat', 'Docker Hub', 'organization access token', 'code-hosts', URL.docker, 'dckr_oat_[A-Za-z0-9_-]{32}', ['dckr_oat_'],
    (g) => ['dckr_oat_' + g.r('url', 32)], (g) => ['dckr_oat_' + g.r('url', 20)]),
  prefixed('atlassian-api-token', 'Atlassian', 'API token', 'code-hosts', URL.atlassian, 'ATATT3[A-Za-z0-9_=-]{186}', ['atatt3'],
    (g) => ['ATATT3' + g.r('url', 186)], (g) => ['ATATT3' + g.r('url', 50)]),
  prefixed('bitbucket-app-password', 'Bitbucket', 'app password', 'code-hosts', URL.atlassian, 'ATBB[A-Za-z0-9]{32}', ['atbb'],
    (g) => ['ATBB' + g.r('alnum', 32)], (g) => ['ATBB' + g.r('alnum', 20)]),
  prefixed('rubygems-api-key', 'RubyGems', 'API key', 'code-hosts', URL.rubygems, 'rubygems_[a-f0-9]{48}', ['rubygems_'],
    (g) => ['rubygems_' + g.r('hex', 48)], (g) => ['rubygems_' + g.r('hex', 30)]),
  prefixed('nuget-api-key', 'NuGet', 'API key', 'code-hosts', URL.nuget, 'oy2[a-z0-9]{43}', ['oy2'],
    (g) => ['oy2' + g.r('lower', 43)], (g) => ['oy2' + g.r('lower', 30)]),
  prefixed('circleci-pat', 'CircleCI', 'personal API token', 'code-hosts', URL.circleci, 'CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}', ['ccipat_'],
    (g) => ['CCIPAT_' + g.r('alnum', 22) + '_' + g.r('hex', 40)], (g) => ['CCIPAT_' + g.r('alnum', 22)]),
  rule('snyk-token', 'Snyk', 'API token', 'code-hosts', URL.snyk, {
    regex: assigned('snyk[\\w-]{0,16}(?:token|key)', UUID),
    keywords: ['snyk'], entropy: 3, sampleKey: 'SNYK_TOKEN',
    tp: (g) => [g.uuid()], fp: () => ['00000000-0000-0000-0000-000000000000'],
  }),
];

// ---------------------------------------------------------------------------------------------
// Messaging and email

const messaging: SecretRule[] = [
  prefixed('slack-bot-token', 'Slack', 'bot token', 'messaging', URL.slack, 'xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}', ['xoxb-'],
    (g) => [`xoxb-${g.r('digits', 12)}-${g.r('digits', 13)}-${g.r('alnum', 24)}`], (g) => ['xoxb-' + g.r('alnum', 24), 'xoxb-xxxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx']),
  prefixed('slack-user-token', 'Slack', 'user token', 'messaging', URL.slack, 'xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}', ['xoxp-', 'xoxe-'],
    (g) => [`xoxp-${g.r('digits', 12)}-${g.r('digits', 12)}-${g.r('digits', 13)}-${g.r('hex', 32)}`], (g) => ['xoxp-' + g.r('hex', 32)]),
  prefixed('slack-app-token', 'Slack', 'app-level token', 'messaging', URL.slack, 'xapp-\\d-[A-Z0-9]{9,12}-\\d{10,13}-[a-f0-9]{64}', ['xapp-'],
    (g) => [`xapp-1-A${g.r('upper', 10)}-${g.r('digits', 13)}-${g.r('hex', 64)}`], (g) => ['xapp-1-' + g.r('hex', 64)]),
  prefixed('slack-config-token', 'Slack', 'configuration token', 'messaging', URL.slack, 'xoxe\\.xox[bp]-\\d-[A-Z0-9]{163,166}', ['xoxe.xox'],
    (g) => ['xoxe.xoxp-1-' + g.r('upper', 164)], (g) => ['xoxe.xoxp-1-' + g.r('upper', 40)]),
  prefixed('slack-webhook-url', 'Slack', 'incoming webhook URL', 'messaging', URL.slackWebhook,
    'https://hooks\\.slack\\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}', ['hooks.slack.com'],
    (g) => [`https://hooks.slack.com/services/T${g.r('upper', 10)}/B${g.r('upper', 10)}/${g.r('alnum', 24)}`],
    () => ['https://hooks.slack.com/services/T00000000/B00000000/' + 'X'.repeat(24)]),
  prefixed('discord-webhook-url', 'Discord', 'webhook URL', 'messaging', URL.discord,
    'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}', ['/api/webhooks/'],
    (g) => [`https://discord.com/api/webhooks/${g.r('digits', 19)}/${g.r('url', 68)}`], (g) => [`https://discord.com/api/webhooks/${g.r('digits', 19)}/<token>`]),
  rule('discord-bot-token', 'Discord', 'bot token', 'messaging', URL.discord, {
    regex: assigned('discord[\\w-]{0,16}(?:bot)?[_-]?token', '[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}'),
    keywords: ['discord'], entropy: 4, sampleKey: 'DISCORD_BOT_TOKEN',
    tp: (g) => [`M${g.r('url', 25)}.${g.r('url', 6)}.${g.r('url', 38)}`], fp: () => ['your-discord-bot-token'],
  }),
  prefixed('telegram-bot-token', 'Telegram', 'bot token', 'messaging', URL.telegram, '[0-9]{8,10}:AA[A-Za-z0-9_-]{33}', [':aa'],
    (g) => [`${g.r('digits', 10)}:AA${g.r('url', 33)}`], (g) => [`${g.r('digits', 10)}:AA${g.r('url', 20)}`]),
  prefixed('twilio-api-key', 'Twilio', 'API key SID', 'messaging', URL.twilio, 'SK[0-9a-f]{32}', ['sk'],
    (g) => ['SK' + g.r('hex', 32)], (g) => ['SK' + g.r('hex', 31), 'SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']),
  rule('twilio-auth-token', 'Twilio', 'auth token', 'messaging', URL.twilio, {
    regex: assigned('twilio[\\w-]{0,16}(?:auth)?[_-]?token', '[a-f0-9]{32}'),
    keywords: ['twilio'], entropy: 3, sampleKey: 'TWILIO_AUTH_TOKEN',
    tp: (g) => [g.r('hex', 32)], fp: () => ['your_auth_token'],
  }),
  prefixed('sendgrid-api-key', 'SendGrid', 'API key', 'messaging', URL.sendgrid, 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}', ['sg.'],
    (g) => [`SG.${g.r('url', 22)}.${g.r('url', 43)}`], (g) => [`SG.${g.r('url', 22)}`, 'SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']),
  prefixed('mailgun-private-key', 'Mailgun', 'private API key (legacy)', 'messaging', URL.mailgun, 'key-[a-f0-9]{32}', ['key-'],
    (g) => ['key-' + g.r('hex', 32)], (g) => ['key-' + g.r('hex', 20)]),
  rule('mailgun-api-key', 'Mailgun', 'API key', 'messaging', URL.mailgun, {
    regex: assigned('mailgun[\\w-]{0,16}(?:api)?[_-]?key', '[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}'),
    keywords: ['mailgun'], entropy: 3, sampleKey: 'MAILGUN_API_KEY',
    tp: (g) => [`${g.r('hex', 32)}-${g.r('hex', 8)}-${g.r('hex', 8)}`], fp: () => ['${MAILGUN_API_KEY}'],
  }),
  rule('postmark-server-token', 'Postmark', 'server API token', 'messaging', URL.postmark, {
    regex: assigned('postmark[\\w-]{0,24}(?:token|key)', UUID),
    keywords: ['postmark'], entropy: 3, sampleKey: 'POSTMARK_SERVER_TOKEN',
    tp: (g) => [g.uuid()], fp: () => ['POSTMARK_API_TEST'],
  }),
  prefixed('mailchimp-api-key', 'Mailchimp', 'API key', 'messaging', URL.mailchimp, '[a-f0-9]{32}-us[0-9]{1,2}', ['-us'],
    (g) => [g.r('hex', 32) + '-us21'], (g) => [g.r('hex', 31) + '-us21']),
  rule('mandrill-api-key', 'Mailchimp Transactional', 'API key', 'messaging', URL.mailchimp, {
    regex: assigned('mandrill[\\w-]{0,16}key', 'md-[A-Za-z0-9_-]{22}'),
    keywords: ['mandrill'], entropy: 3, sampleKey: 'MANDRILL_API_KEY',
    tp: (g) => ['md-' + g.r('url', 22)], fp: () => ['md-xxxxxxxxxxxxxxxxxxxxxx'],
  }),
  prefixed('resend-api-key', 'Resend', 'API key', 'messaging', URL.resend, 're_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}', ['re_'],
    (g) => [`re_${g.r('alnum', 8)}_${g.r('alnum', 24)}`], (g) => [`re_${g.r('alnum', 8)}_${g.r('alnum', 10)}`]),
  prefixed('brevo-api-key', 'Brevo', 'API key', 'messaging', URL.brevo, 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}', ['xkeysib-'],
    (g) => [`xkeysib-${g.r('hex', 64)}-${g.r('alnum', 16)}`], (g) => [`xkeysib-${g.r('hex', 64)}`]),
  prefixed('brevo-smtp-key', 'Brevo', 'SMTP key', 'messaging', URL.brevo, 'xsmtpsib-[a-f0-9]{64}-[A-Za-z0-9]{16}', ['xsmtpsib-'],
    (g) => [`xsmtpsib-${g.r('hex', 64)}-${g.r('alnum', 16)}`], (g) => [`xsmtpsib-${g.r('hex', 64)}`]),
  rule('mailjet-secret-key', 'Mailjet', 'API secret key', 'messaging', URL.mailjet, {
    regex: assigned('mailjet[\\w-]{0,16}(?:secret|key)', '[a-f0-9]{32}'),
    keywords: ['mailjet'], entropy: 3, sampleKey: 'MAILJET_SECRET_KEY',
    tp: (g) => [g.r('hex', 32)], fp: () => ['<mailjet-secret>'],
  }),
  prefixed('teams-webhook-url', 'Microsoft Teams', 'incoming webhook URL', 'messaging', URL.teams,
    `https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/${UUID}@${UUID}/IncomingWebhook/[a-f0-9]{32}/${UUID}`, ['webhook.office.com'],
    (g) => [`https://contoso.webhook.office.com/webhookb2/${g.uuid()}@${g.uuid()}/IncomingWebhook/${g.r('hex', 32)}/${g.uuid()}`],
    () => ['https://contoso.webhook.office.com/webhookb2/<id>/IncomingWebhook/<token>']),
  rule('algolia-admin-key', 'Algolia', 'admin API key', 'messaging', URL.algolia, {
    regex: assigned('algolia[\\w-]{0,16}admin[\\w-]{0,8}key', '[a-f0-9]{32}'),
    keywords: ['algolia'], entropy: 3, sampleKey: 'ALGOLIA_ADMIN_API_KEY',
    tp: (g) => [g.r('hex', 32)], fp: () => ['${ALGOLIA_ADMIN_KEY}'],
  }),
];

// ---------------------------------------------------------------------------------------------
// AI providers

const ai: SecretRule[] = [
  prefixed('openai-project-key', 'OpenAI', 'project / service account API key', 'ai', URL.openai,
    'sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}', ['t3blbkfj'],
    (g) => [`sk-proj-${g.r('url', 74)}T3BlbkFJ${g.r('url', 74)}`, `sk-svcacct-${g.r('url', 58)}T3BlbkFJ${g.r('url', 58)}`],
    (g) => [`sk-proj-${g.r('url', 74)}`]),
  prefixed('openai-legacy-key', 'OpenAI', 'API key (legacy)', 'ai', URL.openai, 'sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}', ['t3blbkfj'],
    (g) => [`sk-${g.r('alnum', 20)}T3BlbkFJ${g.r('alnum', 20)}`], (g) => [`sk-${g.r('alnum', 48)}`]),
  prefixed('anthropic-api-key', 'Anthropic', 'API key', 'ai', URL.anthropic, 'sk-ant-api03-[A-Za-z0-9_-]{93}AA', ['sk-ant-api03'],
    (g) => [`sk-ant-api03-${g.r('url', 93)}AA`], (g) => [`sk-ant-api03-${g.r('url', 40)}`]),
  prefixed('anthropic-admin-key', 'Anthropic', 'admin API key', 'ai', URL.anthropic, 'sk-ant-admin01-[A-Za-z0-9_-]{93}AA', ['sk-ant-admin01'],
    (g) => [`sk-ant-admin01-${g.r('url', 93)}AA`], (g) => [`sk-ant-admin01-${g.r('url', 40)}`]),
  prefixed('huggingface-token', 'Hugging Face', 'access token', 'ai', URL.hf, 'hf_[A-Za-z]{34}', ['hf_'],
    (g) => ['hf_' + g.r('alpha', 34)], (g) => ['hf_' + g.r('alpha', 20), 'hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']),
  prefixed('huggingface-org-token', 'Hugging Face', 'organization API token', 'ai', URL.hf, 'api_org_[A-Za-z]{34}', ['api_org_'],
    (g) => ['api_org_' + g.r('alpha', 34)], (g) => ['api_org_' + g.r('alpha', 20)]),
  rule('cohere-api-key', 'Cohere', 'API key', 'ai', URL.cohere, {
    regex: assigned('cohere[\\w-]{0,16}(?:api)?[_-]?key|co[_-]api[_-]key', '[A-Za-z0-9]{40}'),
    keywords: ['cohere', 'co_api', 'co-api'], entropy: 4, sampleKey: 'COHERE_API_KEY',
    tp: (g) => [g.r('alnum', 40)], fp: () => ['<COHERE_API_KEY>'],
  }),
  prefixed('groq-api-key', 'Groq', 'API key', 'ai', URL.groq, 'gsk_[A-Za-z0-9]{52}', ['gsk_'],
    (g) => ['gsk_' + g.r('alnum', 52)], (g) => ['gsk_' + g.r('alnum', 30)]),
  prefixed('replicate-api-token', 'Replicate', 'API token', 'ai', URL.replicate, 'r8_[A-Za-z0-9]{37}', ['r8_'],
    (g) => ['r8_' + g.r('alnum', 37)], (g) => ['r8_' + g.r('alnum', 20)]),
  prefixed('perplexity-api-key', 'Perplexity', 'API key', 'ai', URL.perplexity, 'pplx-[A-Za-z0-9]{48}', ['pplx-'],
    (g) => ['pplx-' + g.r('alnum', 48)], (g) => ['pplx-' + g.r('alnum', 30)]),
  prefixed('xai-api-key', 'xAI', 'API key', 'ai', URL.xai, 'xai-[A-Za-z0-9]{80}', ['xai-'],
    (g) => ['xai-' + g.r('alnum', 80)], (g) => ['xai-' + g.r('alnum', 40)]),
  rule('mistral-api-key', 'Mistral AI', 'API key', 'ai', URL.mistral, {
    regex: assigned('mistral[\\w-]{0,16}(?:api)?[_-]?key', '[A-Za-z0-9]{32}'),
    keywords: ['mistral'], entropy: 4, sampleKey: 'MISTRAL_API_KEY',
    tp: (g) => [g.r('alnum', 32)], fp: () => ['your-mistral-key'],
  }),
  rule('deepseek-api-key', 'DeepSeek', 'API key', 'ai', URL.deepseek, {
    regex: assigned('deepseek[\\w-]{0,16}(?:api)?[_-]?key', 'sk-[a-f0-9]{32}'),
    keywords: ['deepseek'], entropy: 3, sampleKey: 'DEEPSEEK_API_KEY',
    tp: (g) => ['sk-' + g.r('hex', 32)], fp: () => ['sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
  }),
  prefixed('openrouter-api-key', 'OpenRouter', 'API key', 'ai', URL.openrouter, 'sk-or-v1-[a-f0-9]{64}', ['sk-or-v1-'],
    (g) => ['sk-or-v1-' + g.r('hex', 64)], (g) => ['sk-or-v1-' + g.r('hex', 32)]),
  prefixed('langsmith-api-key', 'LangSmith', 'API key', 'ai', URL.langsmith, 'lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}', ['lsv2_'],
    (g) => [`lsv2_pt_${g.r('hex', 32)}_${g.r('hex', 10)}`], (g) => [`lsv2_pt_${g.r('hex', 32)}`]),
  rule('pinecone-api-key', 'Pinecone', 'API key', 'ai', URL.pinecone, {
    regex: assigned('pinecone[\\w-]{0,16}(?:api)?[_-]?key', `${UUID}|pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,80}`),
    keywords: ['pinecone'], entropy: 3, sampleKey: 'PINECONE_API_KEY',
    tp: (g) => [g.uuid(), `pcsk_${g.r('alnum', 6)}_${g.r('alnum', 65)}`], fp: () => ['<pinecone-api-key>'],
  }),
];

// ---------------------------------------------------------------------------------------------
// Auth and backends

const auth: SecretRule[] = [
  rule('supabase-service-role-jwt', 'Supabase', 'service_role JWT', 'auth', URL.supabase, {
    regex: tok('eyJ[A-Za-z0-9_-]{10,200}\\.eyJ[A-Za-z0-9_-]{10,1000}\\.[A-Za-z0-9_-]{20,200}'),
    keywords: ['eyj'],
    verify: (s) => jwtPayload(s)?.role === 'service_role',
    tp: (g) => [jwt(g, { iss: 'supabase', ref: g.r('lower', 20), role: 'service_role', iat: 1700000000, exp: 2015576000 })],
    // The anon key is public by design; a generic JWT is not a Supabase secret.
    fp: (g) => [jwt(g, { iss: 'supabase', ref: g.r('lower', 20), role: 'anon', iat: 1700000000, exp: 2015576000 }), jwt(g, { sub: '42' })],
  }),
  prefixed('supabase-secret-key', 'Supabase', 'secret API key', 'auth', URL.supabase, 'sb_secret_[A-Za-z0-9_-]{31,64}', ['sb_secret_'],
    (g) => ['sb_secret_' + g.r('url', 31)], (g) => ['sb_publishable_' + g.r('url', 31)]),
  prefixed('supabase-access-token', 'Supabase', 'personal access token', 'auth', URL.supabase, 'sbp_[a-f0-9]{40}', ['sbp_'],
    (g) => ['sbp_' + g.r('hex', 40)], (g) => ['sbp_' + g.r('hex', 20)]),
  prefixed('firebase-fcm-server-key', 'Firebase', 'Cloud Messaging server key', 'auth', URL.firebase, 'AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}', ['aaaa'],
    (g) => [`AAAA${g.r('url', 7)}:APA91b${g.r('url', 134)}`], (g) => [`AAAA${g.r('url', 7)}:APA91b${g.r('url', 30)}`]),
  rule('firebase-database-secret', 'Firebase', 'legacy database secret', 'auth', URL.firebase, {
    regex: assigned('firebase[\\w-]{0,16}(?:secret|token)', '[A-Za-z0-9]{40}'),
    keywords: ['firebase'], entropy: 4, sampleKey: 'FIREBASE_DATABASE_SECRET',
    tp: (g) => [g.r('alnum', 40)], fp: () => ['${FIREBASE_SECRET}'],
  }),
  rule('clerk-secret-key', 'Clerk', 'secret key', 'auth', URL.clerk, {
    regex: assigned('clerk[\\w-]{0,16}secret[_-]?key', 'sk_(?:live|test)_[A-Za-z0-9]{30,60}'),
    keywords: ['clerk'], entropy: 3, sampleKey: 'CLERK_SECRET_KEY',
    tp: (g) => ['sk_' + 'live_' + g.r('alnum', 42)], fp: () => ['sk_' + 'live_your_clerk_secret'],
  }),
  rule('auth0-client-secret', 'Auth0', 'client secret', 'auth', URL.auth0, {
    regex: assigned('auth0[\\w-]{0,16}(?:client)?[_-]?secret', '[A-Za-z0-9_-]{64}'),
    keywords: ['auth0'], entropy: 4, sampleKey: 'AUTH0_CLIENT_SECRET',
    tp: (g) => [g.r('url', 64)], fp: () => ['YOUR_AUTH0_CLIENT_SECRET'],
  }),
  rule('okta-api-token', 'Okta', 'API token', 'auth', URL.okta, {
    regex: assigned('okta[\\w-]{0,16}(?:token|key)', '00[A-Za-z0-9_-]{40}'),
    keywords: ['okta'], entropy: 4, sampleKey: 'OKTA_API_TOKEN',
    tp: (g) => ['00' + g.r('url', 40)], fp: () => ['{okta-api-token}'],
  }),
  rule('jwt-signing-secret', 'JWT', 'signing secret', 'auth', URL.key, {
    regex: assigned('jwt[_-]?(?:secret|signing[_-]?key|private[_-]?key|key)', '[A-Za-z0-9_+/=.~!@#%^*-]{16,128}'),
    keywords: ['jwt'], entropy: 3.5, sampleKey: 'JWT_SECRET',
    verify: notCode,
    tp: (g) => [g.r('b64', 48), g.r('hex', 64)], fp: () => ['change-me-in-production', 'your-jwt-secret-here', 'process.env.JWT_SECRET'],
  }),
  rule('nextauth-secret', 'Auth.js / NextAuth', 'session secret', 'auth', URL.key, {
    regex: assigned('(?:next)?auth[_-]secret', '[A-Za-z0-9_+/=.~-]{24,128}'),
    keywords: ['auth_secret', 'auth-secret'], entropy: 3.5, sampleKey: 'NEXTAUTH_SECRET',
    verify: notCode,
    tp: (g) => [g.r('b64', 44)], fp: () => ['generate-with-openssl-rand-base64-32'],
  }),
  rule('rails-secret-key-base', 'Ruby on Rails', 'secret_key_base', 'auth', URL.key, {
    regex: assigned('secret_key_base', '[a-f0-9]{64,256}'),
    keywords: ['secret_key_base'], entropy: 3, sampleKey: 'SECRET_KEY_BASE',
    tp: (g) => [g.r('hex', 128)], fp: () => ['<%= ENV["SECRET_KEY_BASE"] %>'],
  }),
  rule('django-secret-key', 'Django', 'SECRET_KEY', 'auth', URL.key, {
    regex: assigned('django[_-]?secret[_-]?key', '[A-Za-z0-9!@#$%^&*(\\-_=+)]{40,60}'),
    keywords: ['django'], entropy: 4, sampleKey: 'DJANGO_SECRET_KEY',
    tp: (g) => ['django-insecure-' + g.r('alnum', 40)], fp: () => ['${DJANGO_SECRET_KEY}'],
  }),
];

// ---------------------------------------------------------------------------------------------
// Infra

const infra: SecretRule[] = [
  rule('cloudflare-api-token', 'Cloudflare', 'API token', 'infra', URL.cloudflare, {
    regex: assigned('(?:cloudflare|cf)[_-]?(?:api)?[_-]?token', '[A-Za-z0-9_-]{40}'),
    keywords: ['cloudflare', 'cf_api', 'cf-api', 'cf_token'], entropy: 4, sampleKey: 'CLOUDFLARE_API_TOKEN',
    tp: (g) => [g.r('url', 40)], fp: () => ['your-cloudflare-api-token-goes-here-0000'],
  }),
  rule('cloudflare-global-api-key', 'Cloudflare', 'global API key', 'infra', URL.cloudflare, {
    regex: assigned('(?:cloudflare|cf)[_-]?(?:global[_-]?)?(?:api)?[_-]?key', '[a-f0-9]{37}'),
    keywords: ['cloudflare', 'cf_api', 'cf-api', 'cf_global', 'cf_key'], entropy: 3, sampleKey: 'CLOUDFLARE_API_KEY',
    tp: (g) => [g.r('hex', 37)], fp: () => ['<global-api-key>'],
  }),
  prefixed('cloudflare-origin-ca-key', 'Cloudflare', 'Origin CA key', 'infra', URL.cloudflare, 'v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}', ['v1.0-'],
    (g) => [`v1.0-${g.r('hex', 24)}-${g.r('hex', 146)}`], (g) => [`v1.0-${g.r('hex', 24)}-${g.r('hex', 40)}`]),
  prefixed('digitalocean-pat', 'DigitalOcean', 'personal access token', 'infra', URL.digitalocean, 'dop_v1_[a-f0-9]{64}', ['dop_v1_'],
    (g) => ['dop_v1_' + g.r('hex', 64)], (g) => ['dop_v1_' + g.r('hex', 32)]),
  prefixed('digitalocean-oauth-token', 'DigitalOcean', 'OAuth token', 'infra', URL.digitalocean, 'doo_v1_[a-f0-9]{64}', ['doo_v1_'],
    (g) => ['doo_v1_' + g.r('hex', 64)], (g) => ['doo_v1_' + g.r('hex', 32)]),
  prefixed('digitalocean-refresh-token', 'DigitalOcean', 'OAuth refresh token', 'infra', URL.digitalocean, 'dor_v1_[a-f0-9]{64}', ['dor_v1_'],
    (g) => ['dor_v1_' + g.r('hex', 64)], (g) => ['dor_v1_' + g.r('hex', 32)]),
  prefixed('heroku-api-key-v2', 'Heroku', 'API key', 'infra', URL.heroku, 'HRKU-AA[0-9a-zA-Z_-]{58}', ['hrku-'],
    (g) => ['HRKU-AA' + g.r('url', 58)], (g) => ['HRKU-AA' + g.r('url', 30)]),
  rule('heroku-api-key', 'Heroku', 'API key (legacy)', 'infra', URL.heroku, {
    regex: assigned('heroku[\\w-]{0,16}(?:api)?[_-]?(?:key|token)', UUID),
    keywords: ['heroku'], entropy: 3, sampleKey: 'HEROKU_API_KEY',
    tp: (g) => [g.uuid()], fp: () => ['00000000-0000-0000-0000-000000000000'],
  }),
  rule('vercel-token', 'Vercel', 'access token', 'infra', URL.vercel, {
    regex: assigned('vercel[\\w-]{0,16}token', '[A-Za-z0-9]{24}|vc[pikar]_[A-Za-z0-9]{40,80}'),
    keywords: ['vercel'], entropy: 3.5, sampleKey: 'VERCEL_TOKEN',
    tp: (g) => [g.r('alnum', 24)], fp: () => ['${{ secrets.VERCEL_TOKEN }}'],
  }),
  prefixed('netlify-pat', 'Netlify', 'personal access token', 'infra', URL.netlify, 'nfp_[A-Za-z0-9]{36}', ['nfp_'],
    (g) => ['nfp_' + g.r('alnum', 36)], (g) => ['nfp_' + g.r('alnum', 20)]),
  rule('netlify-token', 'Netlify', 'access token (legacy)', 'infra', URL.netlify, {
    regex: assigned('netlify[\\w-]{0,16}(?:token|key)', '[A-Za-z0-9_-]{40,46}'),
    keywords: ['netlify'], entropy: 4, sampleKey: 'NETLIFY_AUTH_TOKEN',
    tp: (g) => [g.r('url', 43)], fp: () => ['${NETLIFY_AUTH_TOKEN}'],
  }),
  prefixed('sentry-org-token', 'Sentry', 'organization auth token', 'infra', URL.sentry, 'sntrys_eyJ[A-Za-z0-9+/=]{60,600}_[A-Za-z0-9+/]{43}', ['sntrys_'],
    (g) => [`sntrys_${Buffer.from(JSON.stringify({ iat: 1700000000.5, url: 'https://sentry.io', region_url: 'https://us.sentry.io', org: g.r('lower', 8) })).toString('base64').replace(/=+$/, '')}_${g.r('alnum', 43)}`],
    (g) => [`sntrys_eyJ${g.r('alnum', 20)}`]),
  prefixed('sentry-user-token', 'Sentry', 'user auth token', 'infra', URL.sentry, 'sntryu_[a-f0-9]{64}', ['sntryu_'],
    (g) => ['sntryu_' + g.r('hex', 64)], (g) => ['sntryu_' + g.r('hex', 32)]),
  rule('sentry-auth-token', 'Sentry', 'auth token (legacy)', 'infra', URL.sentry, {
    regex: assigned('sentry[\\w-]{0,16}(?:auth)?[_-]?token', '[a-f0-9]{64}'),
    keywords: ['sentry'], entropy: 3, sampleKey: 'SENTRY_AUTH_TOKEN',
    tp: (g) => [g.r('hex', 64)], fp: () => ['${SENTRY_AUTH_TOKEN}'],
  }),
  prefixed('fly-access-token', 'Fly.io', 'access token', 'infra', URL.fly, 'fo1_[A-Za-z0-9_-]{43}', ['fo1_'],
    (g) => ['fo1_' + g.r('url', 43)], (g) => ['fo1_' + g.r('url', 20)]),
  rule('railway-token', 'Railway', 'API token', 'infra', URL.railway, {
    regex: assigned('railway[\\w-]{0,16}(?:api)?[_-]?token', UUID),
    keywords: ['railway'], entropy: 3, sampleKey: 'RAILWAY_TOKEN',
    tp: (g) => [g.uuid()], fp: () => ['<railway-token>'],
  }),
  prefixed('terraform-cloud-token', 'HashiCorp Terraform', 'Terraform Cloud API token', 'infra', URL.terraform,
    '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}', ['atlasv1'],
    (g) => [`${g.r('alnum', 14)}.atlasv1.${g.r('url', 67)}`], (g) => [`${g.r('alnum', 14)}.atlasv1.${g.r('url', 20)}`]),
  prefixed('vault-service-token', 'HashiCorp Vault', 'service token', 'infra', URL.vault, 'hvs\\.[A-Za-z0-9_-]{90,120}', ['hvs.'],
    (g) => ['hvs.' + g.r('url', 95)], (g) => ['hvs.' + g.r('url', 24)]),
  prefixed('pulumi-access-token', 'Pulumi', 'access token', 'infra', URL.pulumi, 'pul-[a-f0-9]{40}', ['pul-'],
    (g) => ['pul-' + g.r('hex', 40)], (g) => ['pul-' + g.r('hex', 20)]),
  prefixed('doppler-token', 'Doppler', 'personal token', 'infra', URL.doppler, 'dp\\.(?:pt|st|sa|ct)\\.[A-Za-z0-9]{40,44}', ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.'],
    (g) => ['dp.pt.' + g.r('alnum', 43)], (g) => ['dp.pt.' + g.r('alnum', 20)]),
  prefixed('grafana-cloud-token', 'Grafana', 'Cloud API token', 'infra', URL.grafana, 'glc_[A-Za-z0-9+/]{32,400}={0,2}', ['glc_'],
    (g) => ['glc_' + g.r('alnum', 80)], (g) => ['glc_' + g.r('alnum', 16)]),
  prefixed('grafana-service-account-token', 'Grafana', 'service account token', 'infra', URL.grafana, 'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}', ['glsa_'],
    (g) => [`glsa_${g.r('alnum', 32)}_${g.r('hex', 8)}`], (g) => [`glsa_${g.r('alnum', 32)}`]),
  rule('datadog-api-key', 'Datadog', 'API key', 'infra', URL.datadog, {
    regex: assigned('(?:datadog|dd)[_-]?(?:api)[_-]?key', '[a-f0-9]{32}'),
    keywords: ['datadog', 'dd_api', 'dd-api'], entropy: 3, sampleKey: 'DD_API_KEY',
    tp: (g) => [g.r('hex', 32)], fp: () => ['<DATADOG_API_KEY>'],
  }),
  rule('datadog-app-key', 'Datadog', 'application key', 'infra', URL.datadog, {
    regex: assigned('(?:datadog|dd)[_-]?app(?:lication)?[_-]?key', '[a-f0-9]{40}'),
    keywords: ['datadog', 'dd_app', 'dd-app'], entropy: 3, sampleKey: 'DD_APP_KEY',
    tp: (g) => [g.r('hex', 40)], fp: () => ['<DATADOG_APP_KEY>'],
  }),
  prefixed('newrelic-user-api-key', 'New Relic', 'user API key', 'infra', URL.newrelic, 'NRAK-[A-Z0-9]{27}', ['nrak-'],
    (g) => ['NRAK-' + g.r('upper', 27)], (g) => ['NRAK-' + g.r('upper', 20)]),
  prefixed('newrelic-insert-key', 'New Relic', 'insert key', 'infra', URL.newrelic, 'NRII-[A-Za-z0-9_-]{32}', ['nrii-'],
    (g) => ['NRII-' + g.r('url', 32)], (g) => ['NRII-' + g.r('url', 20)]),
  prefixed('planetscale-service-token', 'PlanetScale', 'service token', 'infra', URL.planetscale, 'pscale_tkn_[A-Za-z0-9_.-]{32,64}', ['pscale_tkn_'],
    (g) => ['pscale_tkn_' + g.r('url', 43)], (g) => ['pscale_tkn_' + g.r('url', 16)]),
  prefixed('planetscale-password', 'PlanetScale', 'database password', 'infra', URL.planetscale, 'pscale_pw_[A-Za-z0-9_.-]{32,64}', ['pscale_pw_'],
    (g) => ['pscale_pw_' + g.r('url', 43)], (g) => ['pscale_pw_' + g.r('url', 16)]),
  prefixed('linear-api-key', 'Linear', 'API key', 'infra', URL.linear, 'lin_api_[A-Za-z0-9]{40}', ['lin_api_'],
    (g) => ['lin_api_' + g.r('alnum', 40)], (g) => ['lin_api_' + g.r('alnum', 20)]),
];

// ---------------------------------------------------------------------------------------------
// Private keys. The body class admits literal `\n` (keys inside JSON strings, .env one-liners).

function pem(id: string, kind: string, label: string, keyword: string): SecretRule {
  const esc = label.replace(/ /g, ' ');
  return rule(id, 'Private key', kind, 'private-keys', URL.key, {
    regex: new RegExp(`-----BEGIN ${esc}-----(?:\\\\[rn]|\\s)*([A-Za-z0-9+/=\\\\\\s:,.()-]{64,12000}?)(?:\\\\[rn]|\\s)*-----END ${esc}-----`, 'g'),
    keywords: [keyword],
    entropy: 4,
    window: 12_400,
    tp: (g) => {
      const body = (n: number) => (g.r('b64', n).match(/.{1,64}/g) ?? []).join('\n');
      return [`-----BEGIN ${label}-----\n${body(1600)}\n-----END ${label}-----`];
    },
    fp: () => [`-----BEGIN ${label}-----\n...\n-----END ${label}-----`, `-----BEGIN ${label}-----\n<your key here>\n-----END ${label}-----`],
  });
}

const privateKeys: SecretRule[] = [
  pem('private-key-rsa', 'RSA private key', 'RSA PRIVATE KEY', 'rsa private key'),
  pem('private-key-ec', 'EC private key', 'EC PRIVATE KEY', 'ec private key'),
  pem('private-key-dsa', 'DSA private key', 'DSA PRIVATE KEY', 'dsa private key'),
  pem('private-key-pkcs8', 'PKCS#8 private key', 'PRIVATE KEY', 'begin private key'),
  pem('private-key-encrypted', 'encrypted private key', 'ENCRYPTED PRIVATE KEY', 'encrypted private key'),
  pem('private-key-openssh', 'OpenSSH private key', 'OPENSSH PRIVATE KEY', 'openssh private key'),
  pem('private-key-pgp', 'PGP private key block', 'PGP PRIVATE KEY BLOCK', 'pgp private key block'),
  rule('private-key-putty', 'Private key', 'PuTTY private key', 'private-keys', URL.key, {
    // `(?:\s|\\n)` admits keys stored inside JSON strings.
    regex: /PuTTY-User-Key-File-\d: [\w-]+(?:\s|\\n)+Encryption: [\w-]+(?:\s|\\n)+Comment: [^\n\\]*(?:\s|\\n)+Public-Lines: \d+(?:\s|\\n)+(?:[A-Za-z0-9+/=]|\s|\\n)+?Private-Lines: \d+(?:\s|\\n)+((?:[A-Za-z0-9+/=]|\s|\\n){64,8000}?)(?:\s|\\n)*Private-MAC: [a-f0-9]+/g,
    keywords: ['putty-user-key-file'],
    entropy: 4,
    window: 12_000,
    tp: (g) => [`PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n${g.r('b64', 64)}\n${g.r('b64', 4)}\nPrivate-Lines: 2\n${g.r('b64', 64)}\n${g.r('b64', 24)}\nPrivate-MAC: ${g.r('hex', 64)}`],
    fp: () => ['PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: <comment>'],
  }),
];

// ---------------------------------------------------------------------------------------------
// Database URLs with a password. The secret is the password; `${VAR}` and friends never fire,
// nor do local development URLs (localhost, 127.0.0.1, ::1, 0.0.0.0, host.docker.internal).

/** After the `@` of a URL: the host is not a local development one. */
const NOT_LOCAL_HOST = '(?!(?:localhost|127\\.0\\.0\\.1|0\\.0\\.0\\.0|\\[::1\\]|host\\.docker\\.internal)(?![A-Za-z0-9.-]))';

function dbUrl(id: string, provider: string, schemes: string, keyword: string[], sample: string): SecretRule {
  return rule(id, provider, 'connection URL with password', 'databases', URL.db, {
    regex: new RegExp(`(?<![A-Za-z0-9+.-])(?:${schemes})://[^:@\\s/"'\`]{1,64}:([^@\\s/"'\`]{3,128})@${NOT_LOCAL_HOST}[A-Za-z0-9.[\\]:_-]{1,253}`, 'g'),
    keywords: keyword,
    entropy: 2.5,
    // Local development credentials (user:password@localhost) are not worth a blocker.
    allow: { stopwords: ['password', 'passwd', 'postgres', 'mysql', 'root', 'admin', 'secret', 'guest'] },
    tp: (g) => [`${sample}://app_user:${g.r('alnum', 20)}@db.${g.r('lower', 8)}.internal:5432/app`],
    fp: (g) => [
      `${sample}://app_user:\${DB_PASSWORD}@db.internal:5432/app`,
      `${sample}://user:password@localhost:5432/app`,
      `${sample}://localhost:5432/app`,
      `${sample}://default:${g.r('alnum', 12)}@localhost:6379`,
      `${sample}://app:${g.r('alnum', 12)}@127.0.0.1:5432/app`,
    ],
  });
}

const databases: SecretRule[] = [
  dbUrl('postgres-url-password', 'PostgreSQL', 'postgres(?:ql)?', ['postgres'], 'postgres'),
  dbUrl('mysql-url-password', 'MySQL', 'mysql2?|mariadb', ['mysql', 'mariadb'], 'mysql'),
  dbUrl('mongodb-url-password', 'MongoDB', 'mongodb(?:\\+srv)?', ['mongodb'], 'mongodb+srv'),
  dbUrl('redis-url-password', 'Redis', 'rediss?', ['redis'], 'rediss'),
  dbUrl('amqp-url-password', 'RabbitMQ', 'amqps?', ['amqp'], 'amqps'),
  dbUrl('mssql-url-password', 'SQL Server', 'sqlserver|mssql', ['sqlserver', 'mssql'], 'sqlserver'),
];

// ---------------------------------------------------------------------------------------------
// Generic assignments: gated by entropy, stop-words and "this is code" heuristics.

const generic: SecretRule[] = [
  rule('generic-password', 'Generic', 'password assignment', 'generic', URL.key, {
    regex: assigned('(?:password|passwd|(?<![a-z0-9])pwd(?![a-z0-9])|db_pass)', "[^\\s'\"`,;(){}\\[\\]<>\\\\]{8,64}"),
    keywords: ['password', 'passwd', 'pwd', 'db_pass'],
    entropy: 3,
    sampleKey: 'DB_PASSWORD',
    generic: true,
    verify: (v) => notCode(v) && !standIn(v),
    allow: { stopwords: GENERIC_STOPWORDS, names: GENERIC_NAME_EXCLUDE },
    tp: (g) => [g.r('alnum', 16), `${g.r('alpha', 6)}!${g.r('digits', 4)}#${g.r('alpha', 3)}`, Buffer.from(`${g.r('alpha', 6)}!${g.r('digits', 5)}`).toString('base64')],
    fp: () => ['${DB_PASSWORD}', 'changeme', 'req.body.password', 'process.env.DB_PASSWORD', 'password123', '********', 'string', '<password>', 'cGFzc3dvcmQ=', 'Y2hhbmdlbWU=', 'fake-password-1234'],
  }),
  rule('generic-secret', 'Generic', 'secret / token / API key assignment', 'generic', URL.key, {
    regex: assigned(
      '(?:secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|private[_-]?key|client[_-]?secret|credentials?)',
      '[A-Za-z0-9_+/=.~-]{16,128}',
    ),
    keywords: ['secret', 'token', 'api_key', 'api-key', 'apikey', 'access_key', 'access-key', 'auth_key', 'private_key', 'credential'],
    entropy: 3.5,
    sampleKey: 'INTERNAL_API_KEY',
    generic: true,
    verify: (v) => notCode(v) && /[0-9]/.test(v) && /[A-Za-z]/.test(v) && !standIn(v),
    allow: { stopwords: GENERIC_STOPWORDS, names: GENERIC_NAME_EXCLUDE },
    tp: (g) => [g.r('alnum', 32), g.r('hex', 40)],
    fp: (g) => ['${INTERNAL_API_KEY}', 'your-api-key-here', 'this.config.apiKey', 'sha512-placeholder', 'INTERNAL_API_KEY_VALUE', 'abcdefghijklmnop', `test_${g.r('alnum', 24)}`, `fake-api-key-${g.r('digits', 6)}`, `mock_secret_${g.r('alnum', 12)}`],
  }),
  rule('generic-url-credentials', 'Generic', 'URL with embedded password', 'generic', URL.key, {
    // Anchored on the literal `://` (fast to find) with the scheme checked behind it.
    regex: new RegExp(`://(?<=[A-Za-z0-9]://)[^:@\\s/"'\`]{1,64}:([^@\\s/"'\`]{6,128})@${NOT_LOCAL_HOST}[A-Za-z0-9.[\\]:_-]{1,253}`, 'g'),
    keywords: ['://'],
    entropy: 3,
    generic: true,
    verify: notCode,
    allow: { stopwords: GENERIC_STOPWORDS },
    tp: (g) => [`https://deploy:${g.r('alnum', 24)}@git.${g.r('lower', 6)}.dev/repo.git`, `smtp://mailer:${g.r('alnum', 16)}@smtp.${g.r('lower', 6)}.net:587`],
    fp: (g) => ['https://user:${PASSWORD}@host.dev', 'https://example.com/path', 'ftp://anonymous:anonymous@ftp.host.dev', `http://admin:${g.r('alnum', 12)}@localhost:8080/`],
  }),
];

/** Every rule, specific first (order only matters for reporting; overlap is resolved by specificity). */
export const RULES: readonly SecretRule[] = [
  ...cloud,
  ...payments,
  ...codeHosts,
  ...messaging,
  ...ai,
  ...auth,
  ...infra,
  ...privateKeys,
  ...databases,
  ...generic,
];

export const RULES_BY_ID: ReadonlyMap<string, SecretRule> = new Map(RULES.map((r) => [r.id, r]));
