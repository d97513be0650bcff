/**
 * Strict DMARC record parser (RFC 7489 section 6.3/6.4).
 *
 * Grammar (RFC 7489 6.4, abridged):
 *
 *   dmarc-record = dmarc-version dmarc-sep *( dmarc-tag dmarc-sep ) [ dmarc-tag ]
 *   dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31      ; "DMARC1", case-sensitive
 *   dmarc-sep    = *WSP ";" *WSP
 *   dmarc-tag    = tag-name *WSP "=" *WSP tag-value
 *   p / sp       = "none" / "quarantine" / "reject"
 *   adkim / aspf = "r" / "s"
 *   pct          = 1*3DIGIT (0-100)         ri = 1*DIGIT        fo = ("0"/"1"/"d"/"s") *(":" ...)
 *   rua / ruf    = dmarc-uri *( *WSP "," *WSP dmarc-uri ),  dmarc-uri = URI [ "!" 1*DIGIT [ "k"/"m"/"g"/"t" ] ]
 *
 * Stages: split into tags (positions kept), then validate each known tag. Unknown tags are kept
 * and ignored (6.3 says they MUST be ignored). Errors are data with the 0-based position.
 * A missing p= is an error here even though 6.6.3 lets receivers treat a record with a valid
 * rua= as p=none: the owner should publish an explicit policy.
 */

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcUri {
  uri: string;
  /** For mailto: the address and its domain (lower case). */
  address?: string;
  domain?: string;
}

export interface DmarcRecord {
  p?: DmarcPolicy;
  sp?: DmarcPolicy;
  pct: number;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  rua: DmarcUri[];
  ruf: DmarcUri[];
  fo?: string;
  /** DMARCbis only: policy for non-existent subdomains. */
  np?: DmarcPolicy;
  /** DMARCbis only: public suffix domain flag (y, n, u). */
  psd?: 'y' | 'n' | 'u';
  /** DMARCbis only: t=y is testing mode (replaces pct). */
  t?: 'y' | 'n';
  unknownTags: string[];
}

export interface DmarcError {
  message: string;
  pos: number;
}

export type DmarcParse = { ok: true; record: DmarcRecord; warnings: DmarcError[] } | { ok: false; error: DmarcError };

const POLICIES = new Set(['none', 'quarantine', 'reject']);
/** RFC 7489 tags, plus DMARCbis's np, psd and t (validated too, so a typo there is still an error). */
const KNOWN = new Set(['v', 'p', 'sp', 'np', 'pct', 'adkim', 'aspf', 'rua', 'ruf', 'fo', 'rf', 'ri', 'psd', 't']);

/** True when a TXT value is a DMARC record (starts with the version tag). */
export function isDmarcRecord(text: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/.test(text);
}

export function parseDmarc(text: string): DmarcParse {
  // The record is ASCII (RFC 7489 6.4 ABNF); a non-ASCII or control octet (a pasted smart quote,
  // a stray NUL) is reported where it is rather than as a confusing tag error later.
  // eslint-disable-next-line no-control-regex
  const odd = /[^\x20-\x7e\t]/.exec(text);
  if (odd) return { ok: false, error: { message: `non-ASCII or control character U+${odd[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, pos: odd.index } };
  const tags: { name: string; value: string; pos: number; valuePos: number }[] = [];
  let i = 0;
  while (i < text.length) {
    let end = text.indexOf(';', i);
    if (end < 0) end = text.length;
    const raw = text.slice(i, end);
    if (raw.trim() !== '') {
      const eq = raw.indexOf('=');
      const lead = raw.length - raw.trimStart().length;
      if (eq < 0) return { ok: false, error: { message: `tag without "=": "${raw.trim()}"`, pos: i + lead } };
      const name = raw.slice(0, eq).trim();
      const value = raw.slice(eq + 1).trim();
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
        return { ok: false, error: { message: `invalid tag name "${name}"`, pos: i + lead } };
      }
      const valuePos = i + eq + 1 + (raw.slice(eq + 1).length - raw.slice(eq + 1).trimStart().length);
      tags.push({ name: name.toLowerCase(), value, pos: i + lead, valuePos });
    }
    i = end + 1;
  }
  const first = tags[0];
  if (!first || first.name !== 'v' || first.value !== 'DMARC1') {
    return { ok: false, error: { message: 'record must start with "v=DMARC1"', pos: first?.pos ?? 0 } };
  }
  const rec: DmarcRecord = { pct: 100, adkim: 'r', aspf: 'r', rua: [], ruf: [], unknownTags: [] };
  const seen = new Set<string>();
  const warnings: DmarcError[] = [];
  for (const t of tags.slice(1)) {
    const bad = (why: string): DmarcParse => ({ ok: false, error: { message: `${t.name}=${t.value}: ${why}`, pos: t.valuePos } });
    if (seen.has(t.name)) return { ok: false, error: { message: `tag "${t.name}" appears twice`, pos: t.pos } };
    seen.add(t.name);
    if (!KNOWN.has(t.name)) { rec.unknownTags.push(t.name); warnings.push({ message: `unknown tag "${t.name}" ignored`, pos: t.pos }); continue; }
    switch (t.name) {
      case 'v':
        return { ok: false, error: { message: '"v" must be the first tag only', pos: t.pos } };
      case 'p':
      case 'sp':
      case 'np':
        if (!POLICIES.has(t.value.toLowerCase())) return bad('expected none, quarantine or reject');
        rec[t.name] = t.value.toLowerCase() as DmarcPolicy;
        break;
      case 'adkim':
      case 'aspf':
        if (!/^[rs]$/i.test(t.value)) return bad('expected r or s');
        rec[t.name] = t.value.toLowerCase() as 'r' | 's';
        break;
      case 'pct':
        if (!/^\d{1,3}$/.test(t.value) || Number(t.value) > 100) return bad('expected an integer 0-100');
        rec.pct = Number(t.value);
        break;
      case 'ri':
        if (!/^\d+$/.test(t.value)) return bad('expected an integer (seconds)');
        break;
      case 'fo':
        if (!/^[01ds](\s*:\s*[01ds])*$/i.test(t.value)) return bad('expected 0, 1, d or s separated by ":"');
        rec.fo = t.value;
        break;
      case 'rf':
        break;
      case 'psd':
        if (!/^[ynu]$/i.test(t.value)) return bad('expected y, n or u');
        rec.psd = t.value.toLowerCase() as 'y' | 'n' | 'u';
        break;
      case 't':
        if (!/^[yn]$/i.test(t.value)) return bad('expected y or n');
        rec.t = t.value.toLowerCase() as 'y' | 'n';
        break;
      case 'rua':
      case 'ruf': {
        const uris = t.value.split(',').map((u) => u.trim());
        for (const u of uris) {
          const m = /^([A-Za-z][A-Za-z0-9+.-]*:[^!\s]+)(?:!\d+[kmgt]?)?$/i.exec(u);
          if (!m) return bad(`invalid report URI "${u}"`);
          const uri = m[1]!;
          const mail = /^mailto:([^@]+@([^@?]+))/i.exec(uri);
          rec[t.name].push(mail ? { uri, address: mail[1]!.toLowerCase(), domain: mail[2]!.toLowerCase() } : { uri });
        }
        break;
      }
    }
  }
  if (rec.p === undefined) {
    const v = tags[1];
    return { ok: false, error: { message: 'required tag "p" is missing', pos: v ? v.pos : text.length } };
  }
  return { ok: true, record: rec, warnings };
}
