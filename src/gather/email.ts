/**
 * The `email` artifact: SPF posture (include tree, lookup cost, networks), DMARC (with the
 * organisational-domain fallback, the DMARCbis tree walk and external report authorisation), DKIM
 * keys for configured and common selectors, MX, MTA-STS (TXT and the HTTPS policy file), TLS-RPT,
 * BIMI, and the custom return-path hosts of recognised providers. All queries go through
 * ctx.net.dns, which caches and de-duplicates, and independent groups run concurrently; the policy
 * file goes through ctx.net.http (so --connect-to and --ca apply).
 */
import { getDomain } from 'tldts';
import { defineGatherer } from '../core/audit.js';
import type { DnsClient, DnsRecord, HttpClient } from '../net/types.js';
import type { DkimSelectorInfo, DmarcInfo, EmailPosture, MtaStsPolicyInfo, ReturnPathInfo } from '../audits/email/artifact.js';
import { walkNames } from '../audits/email/dmarc/bis.js';
import { isStsRecord, parseStsPolicy } from '../audits/email/mta-sts/policy.js';
import { includeDomains } from '../audits/email/alignment.js';
import { spfPosture } from '../audits/email/spf/posture.js';
import { isDmarcRecord, parseDmarc } from '../audits/email/dmarc/parse.js';
import { isDkimRecord, parseDkimKey } from '../audits/email/dkim/key.js';
import { PROVIDERS, isUnder, providerByName, selectorsToTry } from '../audits/email/providers.js';
import { mapLimit } from './limit.js';

export interface EmailGatherOptions {
  domain: string;
  dkimSelectors?: string[];
  providers?: string[];
  concurrency?: number;
  /** For the MTA-STS policy file; without it the file is not fetched (policy stays undefined). */
  http?: HttpClient;
  timeoutMs?: number;
}

/** RFC 8461 3.3 leaves the cap to senders; 64 KiB is far above any real policy. */
const STS_POLICY_MAX_BYTES = 64 * 1024;

const txtValues = (answers: DnsRecord[]): string[] => answers.flatMap((r) => (r.type === 'TXT' ? [r.strings.join('')] : []));

/** Organisational domain by the public suffix list (RFC 7489 3.2); the name itself when unknown. */
export function orgDomain(domain: string): string {
  return getDomain(domain, { allowPrivateDomains: false }) ?? domain;
}

async function gatherDmarc(dns: DnsClient, domain: string): Promise<DmarcInfo> {
  const org = orgDomain(domain);
  let name = `_dmarc.${domain}`;
  let ans = await dns.query(name, 'TXT');
  let records = txtValues(ans.answers).filter(isDmarcRecord);
  let fromOrgDomain = false;
  if (records.length === 0 && org !== domain && (ans.rcode === 'NOERROR' || ans.rcode === 'NXDOMAIN')) {
    const orgName = `_dmarc.${org}`;
    const orgAns = await dns.query(orgName, 'TXT');
    const orgRecords = txtValues(orgAns.answers).filter(isDmarcRecord);
    if (orgRecords.length > 0) {
      name = orgName; ans = orgAns; records = orgRecords; fromOrgDomain = true;
    }
  }
  // DMARCbis tree walk: every parent's _dmarc, queried at once (the first two are cached already).
  const walk = await Promise.all(
    walkNames(domain).map(async (d) => {
      const a = await dns.query(`_dmarc.${d}`, 'TXT');
      return { domain: d, rcode: a.rcode, records: txtValues(a.answers).filter(isDmarcRecord) };
    }),
  );
  const info: DmarcInfo = { name, fromOrgDomain, orgDomain: org, rcode: ans.rcode, records, warnings: [], externalReports: [], walk };
  if (records.length > 1) {
    info.error = { message: `${records.length} DMARC records (RFC 7489 6.6.3: none applies)`, pos: 0 };
    return info;
  }
  if (records.length === 0) return info;
  const parsed = parseDmarc(records[0]!);
  if (!parsed.ok) { info.error = parsed.error; return info; }
  info.record = parsed.record;
  info.warnings = parsed.warnings;
  const policyDomain = fromOrgDomain ? org : domain;
  const external = new Map<string, string>();
  for (const u of [...parsed.record.rua, ...parsed.record.ruf]) {
    if (u.domain && orgDomain(u.domain) !== org) external.set(u.uri, u.domain);
  }
  info.externalReports = await Promise.all(
    [...external].map(async ([uri, reportDomain]) => {
      // RFC 7489 7.1: the report receiver authorises with a TXT at <policy-domain>._report._dmarc.<its domain>.
      const authName = `${policyDomain}._report._dmarc.${reportDomain}`;
      const a = await dns.query(authName, 'TXT');
      return { uri, reportDomain, authName, rcode: a.rcode, authorized: txtValues(a.answers).some((t) => /^v=DMARC1\s*(;|$)/.test(t)) };
    }),
  );
  return info;
}

async function gatherDkim(
  dns: DnsClient, domain: string, configured: string[], providers: string[], concurrency: number,
): Promise<EmailPosture['dkim']> {
  const list = selectorsToTry(configured, providers);
  const infos = await mapLimit(list, concurrency, async ({ selector, source }): Promise<DkimSelectorInfo> => {
    const name = `${selector}._domainkey.${domain}`;
    const a = await dns.query(name, 'TXT');
    const cname = a.answers.find((r) => r.type === 'CNAME');
    const record = txtValues(a.answers).find(isDkimRecord);
    const base: DkimSelectorInfo = {
      selector, source, name, rcode: a.rcode, found: record !== undefined,
      ...(cname && cname.type === 'CNAME' ? { cname: cname.target } : {}),
    };
    return record === undefined ? base : { ...base, record, ...parseDkimKey(record) };
  });
  return { tried: list.length, selectors: infos.filter((i) => i.found || i.source === 'config') };
}

async function fetchStsPolicy(http: HttpClient, domain: string, timeoutMs: number | undefined): Promise<MtaStsPolicyInfo> {
  const url = `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
  // RFC 8461 3.3: HTTPS with a valid certificate for mta-sts.<domain>, 200 only, no redirects.
  const x = await http.request({ url, maxRedirects: 0, maxBodyBytes: STS_POLICY_MAX_BYTES, ...(timeoutMs ? { timeoutMs } : {}) });
  const ct = x.headers['content-type'];
  const contentType = Array.isArray(ct) ? ct[0] : ct;
  const info: MtaStsPolicyInfo = { url, status: x.status, bytes: x.bodyBytes, truncated: x.truncated, ...(contentType ? { contentType } : {}) };
  if (x.error) info.error = { code: x.error.code, message: x.error.message };
  if (x.status === 200 && !x.error) info.policy = parseStsPolicy(x.body);
  return info;
}

async function gatherReturnPath(dns: DnsClient, domain: string, provider: string): Promise<ReturnPathInfo | undefined> {
  const p = providerByName(provider);
  if (p?.returnPath.kind !== 'subdomain') return undefined;
  const { label, type } = p.returnPath;
  const name = `${label}.${domain}`;
  const [a, txt] = await Promise.all([dns.query(name, type), dns.query(name, 'TXT')]);
  const targets = a.answers.flatMap((r) => (r.type === 'CNAME' && type === 'CNAME' ? [r.target] : r.type === 'MX' && type === 'MX' ? [r.exchange] : []));
  return { provider: p.name, name, type, rcode: a.rcode, targets, spf: txtValues(txt.answers).find((t) => /^v=spf1(\s|$)/i.test(t)) ?? null };
}

/** The whole posture; never throws for DNS data (failures are rcodes in the artifact). */
export async function collectEmailPosture(dns: DnsClient, opts: EmailGatherOptions): Promise<EmailPosture> {
  const domain = opts.domain.toLowerCase().replace(/\.$/, '');
  const concurrency = opts.concurrency ?? 16;
  const stsPromise = (async () => {
    const sts = await dns.query(`_mta-sts.${domain}`, 'TXT');
    const records = txtValues(sts.answers).filter(isStsRecord);
    // The policy file is only looked for when the TXT record announces one (RFC 8461 3.3).
    const policy = records.length && opts.http ? await fetchStsPolicy(opts.http, domain, opts.timeoutMs) : undefined;
    return { sts, records, policy };
  })();
  const [spfTxt, posture, dmarc, dkim, mx, sts, rpt, bimi] = await Promise.all([
    dns.query(domain, 'TXT'),
    spfPosture(domain, { dns }),
    gatherDmarc(dns, domain),
    gatherDkim(dns, domain, opts.dkimSelectors ?? [], opts.providers ?? [], concurrency),
    dns.query(domain, 'MX'),
    stsPromise,
    dns.query(`_smtp._tls.${domain}`, 'TXT'),
    dns.query(`default._bimi.${domain}`, 'TXT'),
  ]);
  const hosts = mx.answers.flatMap((r) => (r.type === 'MX' ? [{ priority: r.priority, exchange: r.exchange }] : []));
  const stsRecord = sts.records[0] ?? null;
  // Providers: configured first, then recognised from DKIM (a CNAME into the provider, or a key at
  // a selector named after it), then from SPF includes (a shared include, amazonses.com for SES and
  // Resend, counts once).
  const providers = new Map<string, 'config' | 'spf' | 'dkim'>();
  for (const name of opts.providers ?? []) providers.set(providerByName(name)?.name ?? name.toLowerCase(), 'config');
  for (const s of dkim.selectors.filter((x) => x.found)) {
    const hit = PROVIDERS.find((p) => (s.cname && p.domains.some((d) => isUnder(s.cname!, d))) || (p.name === s.selector && p.dkimSelectors.includes(s.selector)));
    if (hit && !providers.has(hit.name)) providers.set(hit.name, 'dkim');
  }
  const includes = includeDomains(posture.tree);
  for (const p of PROVIDERS) {
    if (!p.spfInclude || providers.has(p.name) || !includes.some((d) => isUnder(d, p.spfInclude!))) continue;
    if ([...providers.keys()].some((n) => providerByName(n)?.spfInclude === p.spfInclude)) continue;
    providers.set(p.name, 'spf');
  }
  const returnPaths = (await Promise.all([...providers.keys()].map((p) => gatherReturnPath(dns, domain, p)))).filter((r): r is ReturnPathInfo => r !== undefined);
  return {
    domain,
    spf: { rcode: spfTxt.rcode, posture },
    dmarc,
    dkim,
    mx: { rcode: mx.rcode, hosts, nullMx: hosts.length === 1 && (hosts[0]!.exchange === '' || hosts[0]!.exchange === '.') },
    mtaSts: {
      rcode: sts.sts.rcode, record: stsRecord, records: sts.records,
      ...(stsRecord ? { id: /id=([A-Za-z0-9]+)/.exec(stsRecord)?.[1] } : {}),
      ...(sts.policy ? { policy: sts.policy } : {}),
    },
    tlsRpt: { rcode: rpt.rcode, record: txtValues(rpt.answers).find((t) => /^v=TLSRPTv1\s*(;|$)/.test(t)) ?? null },
    bimi: { rcode: bimi.rcode, record: txtValues(bimi.answers).find((t) => /^v=BIMI1\s*(;|$)/.test(t)) ?? null },
    providers: [...providers].map(([name, source]) => ({ name, source })),
    returnPaths,
  };
}

export default defineGatherer({
  id: 'email',
  title: 'Reading SPF, DKIM, DMARC, MX and MTA-STS records',
  async gather(ctx) {
    const domain = ctx.config.email?.domain ?? ctx.config.domains?.apex;
    if (!domain) return { error: { code: 'NOT_CONFIGURED', message: 'no email.domain (or domains.apex) in config' } };
    ctx.progress.update(`email records of ${domain}`);
    return collectEmailPosture(ctx.net.dns, {
      domain,
      dkimSelectors: ctx.config.email?.dkimSelectors ?? [],
      providers: ctx.config.email?.providers ?? [],
      concurrency: ctx.config.network.concurrency,
      http: ctx.net.http,
      timeoutMs: ctx.config.network.timeoutMs,
    });
  },
});
