/**
 * Takeover-prone services, one row per provider (data, no logic beyond `matchTakeoverProvider`).
 *
 * - `cname`: what a customer's CNAME points at for this service (matched against every CNAME
 *   target of the chain, lower case, no trailing dot).
 * - `notFound`: the page the service serves for a name no customer has claimed, as documented in
 *   can-i-take-over-xyz (`NXDOMAIN` where the service name itself stops existing).
 * - `status`: that project's verdict ("vulnerable", "edge case", "not vulnerable" = the service
 *   now verifies ownership, so a dangling record is a broken name rather than a takeover).
 * - `source`: the discussion or documentation behind the row.
 * Project: https://github.com/EdOverflow/can-i-take-over-xyz (fingerprints.json).
 */
export interface TakeoverProvider {
  provider: string;
  cname: RegExp;
  notFound: string;
  status: 'vulnerable' | 'edge case' | 'not vulnerable';
  source: string;
}

const CITO = 'https://github.com/EdOverflow/can-i-take-over-xyz';

export const TAKEOVER_PROVIDERS: readonly TakeoverProvider[] = [
  { provider: 'GitHub Pages', cname: /\.github\.io$/, notFound: "There isn't a GitHub Pages site here.", status: 'edge case', source: `${CITO}/issues/37` },
  { provider: 'Heroku', cname: /\.(herokuapp|herokudns|herokussl)\.com$/, notFound: 'No such app', status: 'edge case', source: `${CITO}/issues/38` },
  { provider: 'AWS S3 website', cname: /(^|\.)s3[.-]website[.-]([a-z0-9-]+\.)?amazonaws\.com$|\.s3\.amazonaws\.com$/, notFound: 'The specified bucket does not exist', status: 'vulnerable', source: `${CITO}/issues/36` },
  { provider: 'AWS Elastic Beanstalk', cname: /\.elasticbeanstalk\.com$/, notFound: 'NXDOMAIN', status: 'vulnerable', source: `${CITO}/issues/194` },
  { provider: 'Azure App Service', cname: /\.azurewebsites\.net$/, notFound: 'NXDOMAIN', status: 'vulnerable', source: 'https://learn.microsoft.com/en-us/azure/security/fundamentals/subdomain-takeover' },
  { provider: 'Azure Cloud Services', cname: /\.cloudapp\.(net|azure\.com)$/, notFound: 'NXDOMAIN', status: 'vulnerable', source: 'https://learn.microsoft.com/en-us/azure/security/fundamentals/subdomain-takeover' },
  { provider: 'Azure Traffic Manager', cname: /\.trafficmanager\.net$/, notFound: 'NXDOMAIN', status: 'vulnerable', source: 'https://learn.microsoft.com/en-us/azure/security/fundamentals/subdomain-takeover' },
  { provider: 'Azure Blob Storage', cname: /\.blob\.core\.windows\.net$/, notFound: 'NXDOMAIN', status: 'vulnerable', source: `${CITO}/issues/35` },
  { provider: 'Azure CDN', cname: /\.azureedge\.net$/, notFound: 'NXDOMAIN', status: 'vulnerable', source: `${CITO}/issues/35` },
  { provider: 'Netlify', cname: /\.netlify\.(app|com)$/, notFound: 'Not Found - Request ID:', status: 'edge case', source: `${CITO}/issues/40` },
  { provider: 'Vercel', cname: /\.vercel\.app$|\.now\.sh$|(^|\.)vercel-dns\.com$/, notFound: 'The deployment could not be found on Vercel.', status: 'not vulnerable', source: `${CITO}/issues/183` },
  { provider: 'Fastly', cname: /\.fastly\.net$|\.fastlylb\.net$/, notFound: 'Fastly error: unknown domain:', status: 'not vulnerable', source: `${CITO}/issues/22` },
  { provider: 'Shopify', cname: /\.myshopify\.com$|^shops\.myshopify\.com$/, notFound: 'Sorry, this shop is currently unavailable.', status: 'edge case', source: `${CITO}/issues/32` },
  { provider: 'Zendesk', cname: /\.zendesk\.com$/, notFound: 'Help Center Closed', status: 'not vulnerable', source: `${CITO}/issues/23` },
  { provider: 'Ghost', cname: /\.ghost\.io$/, notFound: 'The thing you were looking for is no longer here, or never was', status: 'vulnerable', source: `${CITO}/issues/89` },
  { provider: 'Webflow', cname: /(^|\.)proxy(-ssl)?\.webflow\.com$|\.webflow\.io$/, notFound: "The page you are looking for doesn't exist or has been moved.", status: 'edge case', source: `${CITO}/issues/44` },
  { provider: 'Surge.sh', cname: /(^|\.)surge\.sh$/, notFound: 'project not found', status: 'vulnerable', source: 'https://surge.sh/help/adding-a-custom-domain' },
  { provider: 'Bitbucket', cname: /\.bitbucket\.io$/, notFound: 'Repository not found', status: 'vulnerable', source: `${CITO}#all-entries` },
  { provider: 'Pantheon', cname: /\.pantheonsite\.io$/, notFound: '404 error unknown site!', status: 'vulnerable', source: `${CITO}/issues/24` },
  { provider: 'Unbounce', cname: /\.unbouncepages\.com$/, notFound: 'The requested URL was not found on this server.', status: 'not vulnerable', source: `${CITO}/issues/11` },
  { provider: 'Help Scout', cname: /\.helpscoutdocs\.com$/, notFound: 'No settings were found for this company:', status: 'vulnerable', source: 'https://docs.helpscout.net/article/42-setup-custom-domain' },
  { provider: 'Agile CRM', cname: /\.agilecrm\.com$/, notFound: 'Sorry, this page is no longer available.', status: 'vulnerable', source: `${CITO}/issues/145` },
  { provider: 'Fly.io', cname: /\.fly\.dev$/, notFound: '404 Not Found', status: 'vulnerable', source: `${CITO}/issues/101` },
  { provider: 'Readme.io', cname: /\.readme\.io$/, notFound: 'Project doesnt exist... yet!', status: 'vulnerable', source: `${CITO}/issues/41` },
  { provider: 'Tumblr', cname: /^domains\.tumblr\.com$/, notFound: "Whatever you were looking for doesn't currently exist at this address", status: 'edge case', source: `${CITO}/issues/240` },
  { provider: 'WordPress.com', cname: /\.wordpress\.com$/, notFound: 'Do you want to register *.wordpress.com?', status: 'vulnerable', source: `${CITO}/pull/176` },
  { provider: 'Strikingly', cname: /\.strikinglydns\.com$/, notFound: 'page not found', status: 'vulnerable', source: `${CITO}/issues/58` },
  { provider: 'Kinsta', cname: /\.kinsta\.cloud$/, notFound: 'No Site For Domain', status: 'vulnerable', source: `${CITO}/issues/48` },
  { provider: 'HatenaBlog', cname: /(^|\.)hatenablog\.com$/, notFound: '404 Blog is not found', status: 'vulnerable', source: CITO },
  { provider: 'Helpjuice', cname: /\.helpjuice\.com$/, notFound: "We could not find what you're looking for.", status: 'vulnerable', source: CITO },
  { provider: 'JetBrains YouTrack', cname: /\.youtrack\.cloud$/, notFound: 'is not a registered InCloud YouTrack', status: 'vulnerable', source: CITO },
];

/** The provider row whose CNAME pattern matches `target`, if any. */
export function matchTakeoverProvider(target: string, table: readonly TakeoverProvider[] = TAKEOVER_PROVIDERS): TakeoverProvider | undefined {
  const t = target.toLowerCase().replace(/\.$/, '');
  return table.find((p) => p.cname.test(t));
}
