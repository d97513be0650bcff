/**
 * The `email` artifact: SPF posture (include tree, lookup cost, networks), DMARC (with the
 * organisational-domain fallback and external report authorisation), DKIM keys for configured and
 * common selectors, MX, MTA-STS and TLS-RPT TXT records. All queries go through ctx.net.dns, which
 * caches and de-duplicates, and independent groups run concurrently.
 */
import { getDomain } from 'tldts';
import { defineGatherer } from '../core/audit.js';
import type { DnsClient, DnsRecord } from '../net/types.js';
import type { DkimSelectorInfo, DmarcInfo, EmailPosture } from '../audits/email/artifact.js';
import { spfPosture } from '../audits/email/spf/posture.js';
import { isDmarcRecord, parseDmarc } from '../audits/email/dmarc/parse.js';
import { isDkimRecord, parseDkimKey } from '../audits/email/dkim/key.js';
import { PROVIDERS, selectorsToTry } from '../audits/email/providers.js';
import { mapLimit } from './limit.js';

export interface EmailGatherOptions {
  domain: string;
  dkimSelectors?: string[];
  providers?: string[];
  concurrency?: number;
}

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
  const info: DmarcInfo = { name, fromOrgDomain, orgDomain: org, rcode: ans.rcode, records, warnings: [], externalReports: [] };
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

/** The whole posture; never throws for DNS data (failures are rcodes in the artifact). */
export async function collectEmailPosture(dns: DnsClient, opts: EmailGatherOptions): Promise<EmailPosture> {
  const domain = opts.domain.toLowerCase().replace(/\.$/, '');
  const concurrency = opts.concurrency ?? 16;
  const [spfTxt, posture, dmarc, dkim, mx, sts, rpt] = await Promise.all([
    dns.query(domain, 'TXT'),
    spfPosture(domain, { dns }),
    gatherDmarc(dns, domain),
    gatherDkim(dns, domain, opts.dkimSelectors ?? [], opts.providers ?? [], concurrency),
    dns.query(domain, 'MX'),
    dns.query(`_mta-sts.${domain}`, 'TXT'),
    dns.query(`_smtp._tls.${domain}`, 'TXT'),
  ]);
  const hosts = mx.answers.flatMap((r) => (r.type === 'MX' ? [{ priority: r.priority, exchange: r.exchange }] : []));
  const stsRecord = txtValues(sts.answers).find((t) => /^v=STSv1\s*(;|$)/.test(t)) ?? null;
  const providers = new Map<string, 'config' | 'spf' | 'dkim'>();
  for (const p of opts.providers ?? []) providers.set(p, 'config');
  const includes = JSON.stringify(posture.tree);
  for (const p of PROVIDERS) {
    if (!providers.has(p.name) && p.spfInclude && includes.includes(`include:${p.spfInclude}`)) providers.set(p.name, 'spf');
  }
  for (const s of dkim.selectors) {
    const hit = PROVIDERS.find((p) => s.cname && p.spfInclude && s.cname.endsWith(p.spfInclude));
    if (hit && !providers.has(hit.name)) providers.set(hit.name, 'dkim');
  }
  return {
    domain,
    spf: { rcode: spfTxt.rcode, posture },
    dmarc,
    dkim,
    mx: { rcode: mx.rcode, hosts, nullMx: hosts.length === 1 && (hosts[0]!.exchange === '' || hosts[0]!.exchange === '.') },
    mtaSts: { rcode: sts.rcode, record: stsRecord, ...(stsRecord ? { id: /id=([A-Za-z0-9]+)/.exec(stsRecord)?.[1] } : {}) },
    tlsRpt: { rcode: rpt.rcode, record: txtValues(rpt.answers).find((t) => /^v=TLSRPTv1\s*(;|$)/.test(t)) ?? null },
    providers: [...providers].map(([name, source]) => ({ name, source })),
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
    });
  },
});
