/**
 * Takeover-prone services, one row per provider (data, no logic beyond the two matchers below).
 *
 * - `cname`: what a customer's CNAME points at for this service (matched against every CNAME
 *   target of the chain, lower case, no trailing dot).
 * - `nxdomain`: the service's own name stops existing when the resource is deleted, so a dangling
 *   record shows as NXDOMAIN (Azure, Elastic Beanstalk...).
 * - `body`: the page the service serves for a name no customer has claimed, as documented in
 *   can-i-take-over-xyz (several spellings when the service changed its page over time). Matched
 *   case-insensitively against the body the edge gatherer fetched over http(s) for our name.
 * - `status`: that project's verdict ("vulnerable", "edge case", "not vulnerable" = the service
 *   now verifies ownership, so a dangling record is a broken name rather than a takeover).
 * - `source`: the discussion or documentation behind the row.
 * Project: https://github.com/EdOverflow/can-i-take-over-xyz (fingerprints.json), used as
 * reference data only.
 */
export interface TakeoverProvider {
  provider: string;
  cname: RegExp;
  nxdomain: boolean;
  body: readonly string[];
  status: 'vulnerable' | 'edge case' | 'not vulnerable';
  source: string;
}

const CITO = 'https://github.com/EdOverflow/can-i-take-over-xyz';

export const TAKEOVER_PROVIDERS: readonly TakeoverProvider[] = [
  { provider: 'GitHub Pages', cname: /\.github\.io$/, nxdomain: false, body: ["There isn't a GitHub Pages site here."], status: 'edge case', source: `${CITO}/issues/37` },
  { provider: 'Heroku', cname: /\.(herokuapp|herokudns|herokussl)\.com$/, nxdomain: false, body: ['No such app', 'herokucdn.com/error-pages/no-such-app.html'], status: 'edge case', source: `${CITO}/issues/38` },
  { provider: 'AWS S3 website', cname: /(^|\.)s3[.-]website[.-]([a-z0-9-]+\.)?amazonaws\.com$|\.s3\.amazonaws\.com$/, nxdomain: false, body: ['NoSuchBucket', 'The specified bucket does not exist'], status: 'vulnerable', source: `${CITO}/issues/36` },
  { provider: 'AWS Elastic Beanstalk', cname: /\.elasticbeanstalk\.com$/, nxdomain: true, body: [], status: 'vulnerable', source: `${CITO}/issues/194` },
  { provider: 'Azure App Service', cname: /\.azurewebsites\.net$/, nxdomain: true, body: [], status: 'vulnerable', source: 'https://learn.microsoft.com/en-us/azure/security/fundamentals/subdomain-takeover' },
  { provider: 'Azure Cloud Services', cname: /\.cloudapp\.(net|azure\.com)$/, nxdomain: true, body: [], status: 'vulnerable', source: 'https://learn.microsoft.com/en-us/azure/security/fundamentals/subdomain-takeover' },
  { provider: 'Azure Traffic Manager', cname: /\.trafficmanager\.net$/, nxdomain: true, body: [], status: 'vulnerable', source: 'https://learn.microsoft.com/en-us/azure/security/fundamentals/subdomain-takeover' },
  { provider: 'Azure Blob Storage', cname: /\.blob\.core\.windows\.net$/, nxdomain: true, body: [], status: 'vulnerable', source: `${CITO}/issues/35` },
  { provider: 'Azure CDN', cname: /\.azureedge\.net$/, nxdomain: true, body: [], status: 'vulnerable', source: `${CITO}/issues/35` },
  { provider: 'Netlify', cname: /\.netlify\.(app|com)$/, nxdomain: false, body: ['Not Found - Request ID'], status: 'edge case', source: `${CITO}/issues/40` },
  { provider: 'Vercel', cname: /\.vercel\.app$|\.now\.sh$|(^|\.)vercel-dns\.com$/, nxdomain: false, body: ['DEPLOYMENT_NOT_FOUND', 'The deployment could not be found on Vercel.'], status: 'not vulnerable', source: `${CITO}/issues/183` },
  { provider: 'Fastly', cname: /\.fastly\.net$|\.fastlylb\.net$/, nxdomain: false, body: ['Fastly error: unknown domain'], status: 'not vulnerable', source: `${CITO}/issues/22` },
  { provider: 'Shopify', cname: /\.myshopify\.com$|^shops\.myshopify\.com$/, nxdomain: false, body: ['Sorry, this shop is currently unavailable'], status: 'edge case', source: `${CITO}/issues/32` },
  { provider: 'Zendesk', cname: /\.zendesk\.com$/, nxdomain: false, body: ['Help Center Closed'], status: 'not vulnerable', source: `${CITO}/issues/23` },
  { provider: 'Ghost', cname: /\.ghost\.io$/, nxdomain: false, body: ['The thing you were looking for is no longer here, or never was'], status: 'vulnerable', source: `${CITO}/issues/89` },
  { provider: 'Webflow', cname: /(^|\.)proxy(-ssl)?\.webflow\.com$|\.webflow\.io$/, nxdomain: false, body: ["The page you are looking for doesn't exist or has been moved."], status: 'edge case', source: `${CITO}/issues/44` },
  { provider: 'Surge.sh', cname: /(^|\.)surge\.sh$/, nxdomain: false, body: ['project not found'], status: 'vulnerable', source: 'https://surge.sh/help/adding-a-custom-domain' },
  { provider: 'Bitbucket', cname: /\.bitbucket\.io$/, nxdomain: false, body: ['Repository not found'], status: 'vulnerable', source: `${CITO}#all-entries` },
  { provider: 'Pantheon', cname: /\.pantheonsite\.io$/, nxdomain: false, body: ['404 error unknown site!'], status: 'vulnerable', source: `${CITO}/issues/24` },
  { provider: 'Unbounce', cname: /\.unbouncepages\.com$/, nxdomain: false, body: ['The requested URL was not found on this server.'], status: 'not vulnerable', source: `${CITO}/issues/11` },
  { provider: 'Help Scout', cname: /\.helpscoutdocs\.com$/, nxdomain: false, body: ['No settings were found for this company:'], status: 'vulnerable', source: 'https://docs.helpscout.net/article/42-setup-custom-domain' },
  { provider: 'Agile CRM', cname: /\.agilecrm\.com$/, nxdomain: false, body: ['Sorry, this page is no longer available.'], status: 'vulnerable', source: `${CITO}/issues/145` },
  { provider: 'Fly.io', cname: /\.fly\.dev$/, nxdomain: false, body: ['404 Not Found'], status: 'vulnerable', source: `${CITO}/issues/101` },
  { provider: 'Readme.io', cname: /\.readme\.io$/, nxdomain: false, body: ['Project doesnt exist... yet!'], status: 'vulnerable', source: `${CITO}/issues/41` },
  { provider: 'Tumblr', cname: /^domains\.tumblr\.com$/, nxdomain: false, body: ["Whatever you were looking for doesn't currently exist at this address"], status: 'edge case', source: `${CITO}/issues/240` },
  { provider: 'WordPress.com', cname: /\.wordpress\.com$/, nxdomain: false, body: ['Do you want to register *.wordpress.com?'], status: 'vulnerable', source: `${CITO}/pull/176` },
  { provider: 'Strikingly', cname: /\.strikinglydns\.com$/, nxdomain: false, body: ['page not found'], status: 'vulnerable', source: `${CITO}/issues/58` },
  { provider: 'Kinsta', cname: /\.kinsta\.cloud$/, nxdomain: false, body: ['No Site For Domain'], status: 'vulnerable', source: `${CITO}/issues/48` },
  { provider: 'HatenaBlog', cname: /(^|\.)hatenablog\.com$/, nxdomain: false, body: ['404 Blog is not found'], status: 'vulnerable', source: CITO },
  { provider: 'Helpjuice', cname: /\.helpjuice\.com$/, nxdomain: false, body: ["We could not find what you're looking for."], status: 'vulnerable', source: CITO },
  { provider: 'JetBrains YouTrack', cname: /\.youtrack\.cloud$/, nxdomain: false, body: ['is not a registered InCloud YouTrack'], status: 'vulnerable', source: CITO },
];

/** The provider row whose CNAME pattern matches `target`, if any. */
export function matchTakeoverProvider(target: string, table: readonly TakeoverProvider[] = TAKEOVER_PROVIDERS): TakeoverProvider | undefined {
  const t = target.toLowerCase().replace(/\.$/, '');
  return table.find((p) => p.cname.test(t));
}

/**
 * Signatures at least this long are specific enough to count on any status; shorter ones
 * ("No such app", "page not found") count only on a 4xx/5xx answer, so a working site whose copy
 * happens to contain the phrase is not flagged.
 */
export const SPECIFIC_SIGNATURE_CHARS = 24;

/** Lower case, entities and typographic quotes folded, whitespace collapsed: how bodies and signatures are compared. */
export function foldText(s: string): string {
  return s
    .replace(/&#0*39;|&apos;|&#x0*27;|&rsquo;|[\u2018\u2019]/gi, "'")
    .replace(/&quot;|&#0*34;|[\u201c\u201d]/gi, '"')
    .replace(/&amp;/gi, '&')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** The provider's "not claimed" signature found in a response body, if any (see SPECIFIC_SIGNATURE_CHARS). */
export function matchNotFoundPage(p: TakeoverProvider, status: number, body: string): string | undefined {
  if (!p.body.length || status <= 0 || !body) return undefined;
  const text = foldText(body);
  return p.body.find((sig) => (status >= 400 || sig.length >= SPECIFIC_SIGNATURE_CHARS) && text.includes(foldText(sig)));
}
