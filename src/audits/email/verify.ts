/**
 * `launchready email verify <message.eml> --ip ...`: verifies one real message.
 *
 * DKIM signatures, DMARC alignment and ARC come from mailauth (4.13.x: 5.x needs Node 22.19+),
 * whose DNS lookups are routed through our DnsClient so --resolver and the test harness apply.
 * The SPF result is ours (check_host, which passes the RFC 7208 suite), not mailauth's.
 * This is the one module in this folder that does I/O (DNS via the injected client only);
 * the CLI command calls it, audits never do.
 */
import { authenticate } from 'mailauth';
import type { DnsClient, RecordType } from '../../net/types.js';
import { checkSender, type CheckHostResult } from './spf/check-host.js';

export interface VerifyOptions {
  ip: string;
  helo?: string;
  /** MAIL FROM; defaults to the Return-Path header's address. */
  mailFrom?: string;
  dns: DnsClient;
  /** Hostname shown in mailauth's Authentication-Results. */
  mta?: string;
}

export interface DkimSignatureResult {
  domain: string;
  selector: string;
  result: string;
  /** mailauth's reason text (e.g. "body hash did not verify"). */
  comment?: string;
  aligned: boolean;
}

export interface VerifyResult {
  spf: Pick<CheckHostResult, 'result' | 'mechanism' | 'domain' | 'explanation' | 'lookups' | 'voidLookups'> & { mailFrom: string };
  dkim: DkimSignatureResult[];
  dmarc: { result: string; policy?: string; domain?: string };
  arc: { result: string };
}

class ResolverError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/** mailauth's resolver contract: like dns.promises.resolve, ENOTFOUND/ENODATA for misses. */
export function mailauthResolver(dns: DnsClient) {
  return async (name: string, rrtype: string): Promise<unknown> => {
    const type = rrtype.toUpperCase() as RecordType;
    const a = await dns.query(name, type);
    if (a.rcode === 'NXDOMAIN') throw new ResolverError(`${type} ${name}: NXDOMAIN`, 'ENOTFOUND');
    if (a.rcode !== 'NOERROR') throw new ResolverError(`${type} ${name}: ${a.rcode}`, a.rcode === 'TIMEOUT' ? 'ETIMEOUT' : 'ESERVFAIL');
    const out: unknown[] = [];
    for (const r of a.answers) {
      if (r.type !== type) continue;
      if (r.type === 'TXT') out.push(r.strings);
      else if (r.type === 'A' || r.type === 'AAAA') out.push(r.address);
      else if (r.type === 'MX') out.push({ exchange: r.exchange, priority: r.priority });
      else if (r.type === 'CNAME' || r.type === 'PTR' || r.type === 'NS') out.push(r.target);
    }
    if (out.length === 0) throw new ResolverError(`${type} ${name}: no data`, 'ENODATA');
    return out;
  };
}

function returnPath(eml: Buffer): string | undefined {
  const head = eml.subarray(0, Math.min(eml.length, 64 * 1024)).toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
  return /^return-path:\s*<([^>]*)>/im.exec(head)?.[1];
}

export async function verifyMessage(eml: Buffer, opts: VerifyOptions): Promise<VerifyResult> {
  const mailFrom = opts.mailFrom ?? returnPath(eml) ?? '';
  const helo = opts.helo ?? 'unknown';
  const spf = await checkSender({ ip: opts.ip, mailFrom, helo }, { dns: opts.dns });
  const res = await authenticate(eml, {
    ip: opts.ip, helo, sender: mailFrom || undefined, mta: opts.mta ?? 'launchready',
    resolver: mailauthResolver(opts.dns) as never, disableBimi: true,
  } as never) as unknown as {
    dkim?: { results?: { signingDomain?: string; selector?: string; status?: { result?: string; comment?: string; aligned?: string | false } }[] };
    dmarc?: { status?: { result?: string }; policy?: string; domain?: string } | false;
    arc?: { status?: { result?: string } };
  };
  const dkim = (res.dkim?.results ?? []).map((r) => ({
    domain: r.signingDomain ?? '',
    selector: r.selector ?? '',
    result: r.status?.result ?? 'none',
    ...(r.status?.comment ? { comment: r.status.comment } : {}),
    aligned: Boolean(r.status?.aligned),
  }));
  const dmarc = res.dmarc ? { result: res.dmarc.status?.result ?? 'none', policy: res.dmarc.policy, domain: res.dmarc.domain } : { result: 'none' };
  return {
    spf: { result: spf.result, mechanism: spf.mechanism, domain: spf.domain, explanation: spf.explanation, lookups: spf.lookups, voidLookups: spf.voidLookups, mailFrom },
    dkim,
    dmarc,
    arc: { result: res.arc?.status?.result ?? 'none' },
  };
}
