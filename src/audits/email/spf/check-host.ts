/**
 * RFC 7208 check_host(): "is IP x allowed to send as domain y".
 *
 * Evaluation follows section 4 step by step: domain validation (4.3), TXT lookup (4.4), record
 * selection (4.5), a full syntax check of the record before anything is evaluated (4.6), then the
 * directives left to right, then redirect=, then the default neutral (4.7). Limits (4.6.4): at most
 * 10 terms that cause DNS queries (include, a, mx, ptr, exists, redirect), at most 2 void lookups,
 * at most 10 MX names per mx (more is a permerror) and 10 PTR names per ptr (the rest ignored).
 *
 * All DNS goes through the injected DnsClient; a TIMEOUT/SERVFAIL answer is a temperror. The
 * evaluator never throws for any record or DNS answer: failures come back as the result.
 */
import type { DnsAnswer, DnsClient, DnsRecord, RecordType } from '../../../net/types.js';
import {
  formatIp, inNetwork, ipMacroValue, normaliseClientIp, parseIp, reverseName, type ParsedIp,
} from './ip.js';
import { expandTokens, scanMacroString, type MacroContext, type MacroToken } from './macro.js';
import {
  parseRecord, selectRecord, type Directive, type DomainSpec, type Qualifier, type SpfRecord,
} from './parse.js';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

export interface SpfLimits {
  /** DNS-querying terms (include, a, mx, ptr, exists, redirect). RFC 7208 4.6.4: 10. */
  dnsMechanisms: number;
  /** Void lookups (NXDOMAIN or empty answer). RFC 7208 4.6.4: 2. */
  voidLookups: number;
  /** Names looked up per mx mechanism. RFC 7208 4.6.4: 10. */
  mxNames: number;
  /** Names validated per ptr mechanism / p macro. RFC 7208 4.6.4: 10. */
  ptrNames: number;
}

export const DEFAULT_LIMITS: SpfLimits = { dnsMechanisms: 10, voidLookups: 2, mxNames: 10, ptrNames: 10 };

/** One step of the evaluation, for `--verbose` output and tests. */
export interface TraceEntry {
  /** Include/redirect nesting depth (0 = the domain asked about). */
  depth: number;
  domain: string;
  /** The term as written, or `record` / `redirect` / `exp`. */
  term: string;
  outcome: 'match' | 'no-match' | 'void' | 'error' | 'record' | 'result';
  detail?: string;
}

export interface CheckHostOptions {
  dns: DnsClient;
  limits?: Partial<SpfLimits>;
  /** The `r` macro: the receiving host's domain. Default "unknown". */
  receiver?: string;
  /** Clock for the `t` macro (ms since epoch); injected so tests are repeatable. */
  now?: () => number;
}

export interface CheckHostResult {
  result: SpfResult;
  /** The directive that decided the result, as written (absent for default/redirect-less neutral). */
  mechanism?: string;
  /** Domain whose record held the deciding directive. */
  domain?: string;
  /** exp= text, expanded (only for `fail` when the record has a usable exp=). */
  explanation?: string;
  /** Why a permerror/temperror happened, with the record position when it is a syntax error. */
  error?: { message: string; domain: string; pos?: number };
  lookups: number;
  voidLookups: number;
  trace: TraceEntry[];
}

/** Internal early exit; never escapes checkHost. */
class Abort {
  constructor(
    readonly result: 'permerror' | 'temperror',
    readonly message: string,
    readonly domain: string,
    readonly pos?: number,
  ) {}
}

const QUALIFIER_RESULT: Record<Qualifier, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };
const TEMP_RCODES = new Set(['SERVFAIL', 'TIMEOUT', 'ERROR', 'REFUSED', 'FORMERR', 'NOTIMP']);
const MAX_TRACE = 1000;
/** Include/redirect nesting guard; the lookup limit ends loops first, this guards raised limits. */
const MAX_DEPTH = 30;

/**
 * 4.3: a usable domain is multi-label, every label 1-63 octets, total at most 253 (one trailing
 * dot allowed), and not a domain literal.
 */
export function isValidDomain(name: string): boolean {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n.length === 0 || n.length > 253 || n.startsWith('[')) return false;
  const labels = n.split('.');
  return labels.length >= 2 && labels.every((l) => l.length >= 1 && l.length <= 63);
}

function splitSender(sender: string, fallbackDomain: string): { local: string; domain: string } {
  const at = sender.lastIndexOf('@');
  if (at < 0) return { local: 'postmaster', domain: sender || fallbackDomain };
  return { local: sender.slice(0, at) || 'postmaster', domain: sender.slice(at + 1) };
}

/** check_host(ip, domain, sender) with the HELO name for the `h` macro. */
export async function checkHost(
  ip: string,
  domain: string,
  sender: string,
  helo: string,
  opts: CheckHostOptions,
): Promise<CheckHostResult> {
  const parsed = parseIp(ip.trim());
  const ev = new Evaluation(opts, sender, helo, domain);
  if (!parsed) {
    return ev.finish({ result: 'permerror', error: { message: `invalid client IP "${ip}"`, domain } });
  }
  ev.ip = normaliseClientIp(parsed);
  ev.upperHex = /[A-F]/.test(ip);
  try {
    const r = await ev.check(domain, 0);
    return ev.finish(r);
  } catch (e) {
    if (e instanceof Abort) {
      return ev.finish({ result: e.result, error: { message: e.message, domain: e.domain, pos: e.pos } });
    }
    throw e;
  }
}

/**
 * The SMTP-level entry point (RFC 7208 2.3/2.4): checks MAIL FROM, or `postmaster@<helo>` when
 * the reverse-path is empty.
 */
export async function checkSender(
  args: { ip: string; mailFrom: string; helo: string },
  opts: CheckHostOptions,
): Promise<CheckHostResult> {
  const sender = args.mailFrom ? args.mailFrom : `postmaster@${args.helo}`;
  const { domain } = splitSender(sender, args.helo);
  return checkHost(args.ip, domain, sender, args.helo, opts);
}

type Partial_ = Omit<CheckHostResult, 'lookups' | 'voidLookups' | 'trace'>;

class Evaluation {
  ip: ParsedIp = { family: 4, value: 0n };
  /** The client IP was written with upper-case hex digits (kept for the `i` macro's nibbles). */
  upperHex = false;
  lookups = 0;
  voids = 0;
  readonly trace: TraceEntry[] = [];
  readonly limits: SpfLimits;
  private readonly local: string;
  private readonly senderDomain: string;
  private validatedName: Promise<string> | undefined;

  constructor(
    private readonly opts: CheckHostOptions,
    private readonly sender: string,
    private readonly helo: string,
    domain: string,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    const s = splitSender(sender, domain);
    this.local = s.local;
    this.senderDomain = s.domain;
  }

  finish(r: Partial_): CheckHostResult {
    return { ...r, lookups: this.lookups, voidLookups: this.voids, trace: this.trace };
  }

  private log(e: TraceEntry): void {
    if (this.trace.length < MAX_TRACE) this.trace.push(e);
  }

  // ------------------------------------------------------------------ DNS

  /** Records of `type` (CNAMEs followed by the server), 'void' for NXDOMAIN/empty; temperror on failure. */
  private async query(name: string, type: RecordType, domain: string): Promise<DnsRecord[] | 'void'> {
    const a: DnsAnswer = await this.opts.dns.query(name, type);
    if (TEMP_RCODES.has(a.rcode)) throw new Abort('temperror', `DNS ${type} ${name}: ${a.rcode}`, domain);
    if (a.rcode === 'NXDOMAIN') return 'void';
    const recs = a.answers.filter((r) => r.type === type);
    return recs.length ? recs : 'void';
  }

  private countLookup(domain: string, term: string): void {
    this.lookups++;
    if (this.lookups > this.limits.dnsMechanisms) {
      throw new Abort('permerror', `more than ${this.limits.dnsMechanisms} DNS-querying terms (at "${term}")`, domain);
    }
  }

  private countVoid(domain: string, term: string): void {
    this.voids++;
    if (this.voids > this.limits.voidLookups) {
      throw new Abort('permerror', `more than ${this.limits.voidLookups} void lookups (at "${term}")`, domain);
    }
  }

  private addressType(): 'A' | 'AAAA' {
    return this.ip.family === 4 ? 'A' : 'AAAA';
  }

  private matches(recs: DnsRecord[], cidr4: number, cidr6: number): boolean {
    for (const r of recs) {
      if (r.type !== 'A' && r.type !== 'AAAA') continue;
      const addr = parseIp(r.address);
      if (addr && inNetwork(this.ip, addr, addr.family === 4 ? cidr4 : cidr6)) return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ macros

  private macroContext(domain: string): MacroContext {
    return {
      s: this.sender.includes('@') ? this.sender : `${this.local}@${this.senderDomain}`,
      l: this.local,
      o: this.senderDomain,
      d: domain,
      i: ipMacroValue(this.ip, this.upperHex),
      h: this.helo,
      c: formatIp(this.ip),
      r: this.opts.receiver ?? 'unknown',
      t: String(Math.floor((this.opts.now ?? Date.now)() / 1000)),
      v: this.ip.family === 4 ? 'in-addr' : 'ip6',
      p: () => (this.validatedName ??= this.validatedDomain(domain).then((n) => n ?? 'unknown')),
    };
  }

  /** Expands a domain-spec and applies the 253-octet left truncation of 7.3; trailing dot removed. */
  private async expandDomain(spec: DomainSpec | undefined, domain: string): Promise<string> {
    if (!spec) return domain;
    let name = await expandTokens(spec.tokens, this.macroContext(domain));
    if (name.endsWith('.')) name = name.slice(0, -1);
    while (name.length > 253 && name.includes('.')) name = name.slice(name.indexOf('.') + 1);
    return name;
  }

  // ------------------------------------------------------------------ check_host

  async check(domain: string, depth: number): Promise<Partial_> {
    if (depth > MAX_DEPTH) throw new Abort('permerror', 'include/redirect nesting too deep', domain);
    if (!isValidDomain(domain)) {
      this.log({ depth, domain, term: 'record', outcome: 'result', detail: 'malformed domain: none' });
      return { result: 'none', domain };
    }
    const txt = await this.query(domain, 'TXT', domain);
    const strings = txt === 'void' ? [] : txt.map((r) => (r.type === 'TXT' ? r.strings : []));
    const sel = selectRecord(strings);
    if (sel.kind === 'none') {
      this.log({ depth, domain, term: 'record', outcome: 'result', detail: 'no SPF record: none' });
      return { result: 'none', domain };
    }
    if (sel.kind === 'many') throw new Abort('permerror', `${sel.texts.length} SPF records (4.5)`, domain);
    const parsed = parseRecord(sel.text);
    if (!parsed.ok) throw new Abort('permerror', parsed.error.message, domain, parsed.error.pos);
    this.log({ depth, domain, term: 'record', outcome: 'record', detail: sel.text });
    return this.evaluate(parsed.record, domain, depth);
  }

  private async evaluate(rec: SpfRecord, domain: string, depth: number): Promise<Partial_> {
    for (const d of rec.directives) {
      const matched = await this.match(d, domain, depth);
      this.log({ depth, domain, term: d.text, outcome: matched ? 'match' : 'no-match' });
      if (!matched) continue;
      const result = QUALIFIER_RESULT[d.qualifier];
      const out: Partial_ = { result, mechanism: d.text, domain };
      if (result === 'fail' && rec.exp) {
        const explanation = await this.explain(rec.exp.value, domain, depth);
        if (explanation !== undefined) out.explanation = explanation;
      }
      return out;
    }
    if (rec.redirect) {
      const term = rec.redirect.text;
      this.countLookup(domain, term);
      const target = await this.expandDomain(rec.redirect.value, domain);
      this.log({ depth, domain, term, outcome: 'match', detail: target });
      if (!isValidDomain(target)) throw new Abort('permerror', `redirect to malformed domain "${target}"`, domain);
      const r = await this.check(target, depth + 1);
      // 6.1: a redirect to a domain without an SPF record is a permerror.
      if (r.result === 'none') throw new Abort('permerror', `redirect target "${target}" has no SPF record`, domain);
      return r;
    }
    return { result: 'neutral', domain };
  }

  /** 6.2: explanation text; any problem just means "no explanation", never a different result. */
  private async explain(spec: DomainSpec, domain: string, depth: number): Promise<string | undefined> {
    try {
      const name = await this.expandDomain(spec, domain);
      if (!isValidDomain(name)) return undefined;
      const a = await this.opts.dns.query(name, 'TXT');
      if (a.rcode !== 'NOERROR') return undefined;
      const recs = a.answers.filter((r): r is Extract<DnsRecord, { type: 'TXT' }> => r.type === 'TXT');
      if (recs.length !== 1) return undefined;
      const tokens: MacroToken[] = scanMacroString(recs[0]!.strings.join(''), { explanation: true });
      const text = await expandTokens(tokens, this.macroContext(domain));
      this.log({ depth, domain, term: 'exp', outcome: 'result', detail: text });
      return text;
    } catch (e) {
      if (e instanceof Abort) return undefined;
      if (e instanceof Error && e.name === 'MacroSyntaxError') return undefined;
      throw e;
    }
  }

  private async match(d: Directive, domain: string, depth: number): Promise<boolean> {
    const m = d.mechanism;
    switch (m.kind) {
      case 'all':
        return true;
      case 'ip4':
      case 'ip6': {
        // The parser validated the address; a family mismatch simply does not match (5.6).
        const net = parseIp(m.address);
        return net !== null && inNetwork(this.ip, net, m.prefix);
      }
      case 'include': {
        this.countLookup(domain, d.text);
        const target = await this.expandDomain(m.domain, domain);
        const r = await this.check(target, depth + 1);
        switch (r.result) {
          case 'pass': return true;
          case 'fail': case 'softfail': case 'neutral': return false;
          case 'none': throw new Abort('permerror', `include target "${target}" has no SPF record`, domain);
          default: throw new Abort(r.result, `include:${target} gave ${r.result}`, domain);
        }
      }
      case 'a': {
        this.countLookup(domain, d.text);
        const target = await this.expandDomain(m.domain, domain);
        if (!isValidDomain(target)) return false; // 4.3/5: treated as non-existent
        const recs = await this.query(target, this.addressType(), domain);
        if (recs === 'void') { this.countVoid(domain, d.text); return false; }
        return this.matches(recs, m.cidr4, m.cidr6);
      }
      case 'mx': {
        this.countLookup(domain, d.text);
        const target = await this.expandDomain(m.domain, domain);
        if (!isValidDomain(target)) return false;
        const mx = await this.query(target, 'MX', domain);
        if (mx === 'void') { this.countVoid(domain, d.text); return false; }
        const names = mx.flatMap((r) => (r.type === 'MX' ? [r.exchange] : []));
        if (names.length > this.limits.mxNames) {
          throw new Abort('permerror', `${names.length} MX names for "${target}" (limit ${this.limits.mxNames})`, domain);
        }
        for (const n of names) {
          if (n === '' || n === '.' || !isValidDomain(n)) continue; // null MX (RFC 7505)
          const recs = await this.query(n, this.addressType(), domain);
          if (recs !== 'void' && this.matches(recs, m.cidr4, m.cidr6)) return true;
        }
        return false;
      }
      case 'ptr': {
        this.countLookup(domain, d.text);
        const target = (await this.expandDomain(m.domain, domain)).toLowerCase();
        const names = await this.validatedNames(domain, (n) => n === target || n.endsWith(`.${target}`));
        return names.length > 0;
      }
      case 'exists': {
        this.countLookup(domain, d.text);
        const target = await this.expandDomain(m.domain, domain);
        if (!isValidDomain(target)) return false;
        // 5.7: always an A query, whatever the client's address family.
        const recs = await this.query(target, 'A', domain);
        if (recs === 'void') { this.countVoid(domain, d.text); return false; }
        return true;
      }
    }
  }

  /**
   * 5.5: PTR names of the client whose forward lookup contains the client IP, keeping only those
   * `want` accepts. DNS errors here mean "no match", never temperror (5.5).
   */
  private async validatedNames(domain: string, want: (n: string) => boolean): Promise<string[]> {
    let ptr: DnsAnswer;
    try {
      ptr = await this.opts.dns.query(reverseName(this.ip), 'PTR');
    } catch {
      return [];
    }
    if (ptr.rcode === 'NXDOMAIN' || (ptr.rcode === 'NOERROR' && !ptr.answers.some((r) => r.type === 'PTR'))) {
      this.countVoid(domain, 'ptr');
      return [];
    }
    if (ptr.rcode !== 'NOERROR') return [];
    const names = ptr.answers
      .flatMap((r) => (r.type === 'PTR' ? [r.target.toLowerCase().replace(/\.$/, '')] : []))
      .slice(0, this.limits.ptrNames);
    const out: string[] = [];
    for (const n of names) {
      if (!want(n) || !isValidDomain(n)) continue;
      const a = await this.opts.dns.query(n, this.addressType());
      if (a.rcode !== 'NOERROR') continue;
      if (this.matches(a.answers, 32, 128)) out.push(n);
    }
    return out;
  }

  /** The `p` macro: a validated name, preferring the current domain or a subdomain of it (7.3). */
  private async validatedDomain(domain: string): Promise<string | undefined> {
    const d = domain.toLowerCase();
    const all = await this.validatedNames(domain, () => true).catch((e: unknown) => {
      if (e instanceof Abort) return [] as string[];
      throw e;
    });
    return all.find((n) => n === d) ?? all.find((n) => n.endsWith(`.${d}`)) ?? all[0];
  }
}
