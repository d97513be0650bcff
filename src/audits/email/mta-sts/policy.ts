/**
 * MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) record parsers, and the MX pattern match.
 * Hand-written: each grammar is a few lines and no maintained npm package parses them without
 * also fetching over its own sockets (ours must go through src/net). Errors are data with the
 * 0-based position (TXT records) or the 1-based line (policy file); nothing throws.
 *
 *   sts-text-record = sts-version 1*(sts-sep sts-field) [sts-sep]           ; RFC 8461 3.1
 *   sts-version     = %s"v=STSv1"        sts-id = %s"id=" 1*32(ALPHA / DIGIT)
 *   sts-field       = sts-id / sts-extension      sts-sep = *WSP ";" *WSP
 *
 *   policy          = *(field CRLF)                                          ; RFC 8461 3.2
 *   field           = key ":" *WSP value      keys: version, mode, max_age, mx (mx repeats)
 *
 *   tlsrpt-record   = "v=TLSRPTv1" 1*(";" *WSP field) [";"]                   ; RFC 8460 3
 *   tlsrpt-rua      = "rua=" uri *("," uri)    uri: mailto: or https:
 */

export interface RecordError {
  message: string;
  pos: number;
}

export type StsTxt = { ok: true; id: string } | { ok: false; error: RecordError };

/** Starts like an MTA-STS TXT record (RFC 8461 3.1: records not starting with v=STSv1 are ignored). */
export function isStsRecord(text: string): boolean {
  return /^v=STSv1\s*(;|$)/.test(text);
}

interface Field { name: string; value: string; pos: number; valuePos: number }

/** Splits `name=value; name=value` keeping positions (shared by the STS and TLS-RPT TXT records). */
function tagList(text: string): { fields: Field[] } | { error: RecordError } {
  const fields: Field[] = [];
  let i = 0;
  while (i <= text.length) {
    let end = text.indexOf(';', i);
    if (end < 0) end = text.length;
    const raw = text.slice(i, end);
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim() !== '') {
      const eq = raw.indexOf('=');
      if (eq < 0) return { error: { message: `field without "=": "${raw.trim()}"`, pos: i + lead } };
      const name = raw.slice(0, eq).trim();
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) return { error: { message: `invalid field name "${name}"`, pos: i + lead } };
      const after = raw.slice(eq + 1);
      fields.push({ name, value: after.trim(), pos: i + lead, valuePos: i + eq + 1 + (after.length - after.trimStart().length) });
    }
    i = end + 1;
  }
  return { fields };
}

function firstNonAscii(text: string): number {
  // eslint-disable-next-line no-control-regex
  const m = /[^\x20-\x7e\t]/.exec(text);
  return m ? m.index : -1;
}

export function parseStsTxt(text: string): StsTxt {
  const bad = firstNonAscii(text);
  if (bad >= 0) return { ok: false, error: { message: 'non-ASCII or control character', pos: bad } };
  const t = tagList(text);
  if ('error' in t) return { ok: false, error: t.error };
  const [v, ...rest] = t.fields;
  if (!v || v.name !== 'v' || v.value !== 'STSv1') return { ok: false, error: { message: 'record must start with "v=STSv1"', pos: v?.pos ?? 0 } };
  const ids = rest.filter((f) => f.name === 'id');
  if (ids.length === 0) return { ok: false, error: { message: 'required field "id" is missing', pos: text.length } };
  if (ids.length > 1) return { ok: false, error: { message: 'field "id" appears twice', pos: ids[1]!.pos } };
  const id = ids[0]!;
  if (!/^[A-Za-z0-9]{1,32}$/.test(id.value)) return { ok: false, error: { message: `id=${id.value}: expected 1 to 32 letters or digits`, pos: id.valuePos } };
  return { ok: true, id: id.value };
}

export type StsMode = 'enforce' | 'testing' | 'none';

export interface StsPolicy {
  version?: string;
  mode?: StsMode;
  maxAge?: number;
  mx: string[];
  /** Problems that make senders reject the policy (RFC 8461 3.2), each with its 1-based line. */
  errors: { message: string; line: number }[];
}

/** RFC 8461 3.2: max_age is at most 31557600 seconds (about a year). */
export const MAX_AGE_LIMIT = 31_557_600;

export function parseStsPolicy(text: string): StsPolicy {
  const out: StsPolicy = { mx: [], errors: [] };
  const seen = new Set<string>();
  // CRLF per the grammar; a bare LF is accepted because common servers (and senders) accept it.
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const line = idx + 1;
    if (raw.trim() === '') return;
    const bad = firstNonAscii(raw);
    if (bad >= 0) { out.errors.push({ message: `non-ASCII or control character at column ${bad + 1}`, line }); return; }
    const colon = raw.indexOf(':');
    if (colon < 0) { out.errors.push({ message: `"${raw.trim().slice(0, 40)}" is not "key: value"`, line }); return; }
    const key = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    if (key !== 'mx' && seen.has(key)) return; // RFC 8461 3.2: only the first instance of a field counts
    seen.add(key);
    switch (key) {
      case 'version':
        out.version = value;
        if (value !== 'STSv1') out.errors.push({ message: `version: ${value}: expected STSv1`, line });
        break;
      case 'mode':
        if (value === 'enforce' || value === 'testing' || value === 'none') out.mode = value;
        else out.errors.push({ message: `mode: ${value}: expected enforce, testing or none`, line });
        break;
      case 'max_age':
        if (!/^\d{1,10}$/.test(value) || Number(value) > MAX_AGE_LIMIT) out.errors.push({ message: `max_age: ${value}: expected whole seconds up to ${MAX_AGE_LIMIT}`, line });
        else out.maxAge = Number(value);
        break;
      case 'mx':
        if (!/^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{1,63}\.?$/.test(value)) {
          out.errors.push({ message: `mx: ${value}: expected a host name or *.domain`, line });
        } else out.mx.push(value.toLowerCase().replace(/\.$/, ''));
        break;
      default:
        break; // extension fields are ignored (3.2)
    }
  });
  if (out.version === undefined) out.errors.push({ message: 'required field "version" is missing', line: lines.length });
  if (out.mode === undefined && !out.errors.some((e) => e.message.startsWith('mode:'))) out.errors.push({ message: 'required field "mode" is missing', line: lines.length });
  if (out.maxAge === undefined && !out.errors.some((e) => e.message.startsWith('max_age:'))) out.errors.push({ message: 'required field "max_age" is missing', line: lines.length });
  if (out.mx.length === 0 && out.mode !== 'none' && !out.errors.some((e) => e.message.startsWith('mx:'))) {
    out.errors.push({ message: 'no "mx" field: a policy in enforce or testing mode must list the MX hosts', line: lines.length });
  }
  return out;
}

/** RFC 8461 4.1: a pattern is a host name, or `*.` plus a domain matching exactly one more label. */
export function mxMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

export type TlsRpt = { ok: true; rua: string[] } | { ok: false; error: RecordError };

export function isTlsRptRecord(text: string): boolean {
  return /^v=TLSRPTv1\s*(;|$)/.test(text);
}

export function parseTlsRpt(text: string): TlsRpt {
  const bad = firstNonAscii(text);
  if (bad >= 0) return { ok: false, error: { message: 'non-ASCII or control character', pos: bad } };
  const t = tagList(text);
  if ('error' in t) return { ok: false, error: t.error };
  const [v, ...rest] = t.fields;
  if (!v || v.name !== 'v' || v.value !== 'TLSRPTv1') return { ok: false, error: { message: 'record must start with "v=TLSRPTv1"', pos: v?.pos ?? 0 } };
  const rua = rest.find((f) => f.name === 'rua');
  if (!rua) return { ok: false, error: { message: 'required field "rua" is missing', pos: text.length } };
  const uris: string[] = [];
  let off = rua.valuePos;
  for (const raw of rua.value.split(',')) {
    const u = raw.trim();
    const pos = off + (raw.length - raw.trimStart().length);
    if (!/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(u)) return { ok: false, error: { message: `rua: "${u}" is not a mailto: or https: URI`, pos } };
    uris.push(u);
    off += raw.length + 1;
  }
  return { ok: true, rua: uris };
}

/** BIMI assertion record (draft-brand-indicators-for-message-identification): presence and logo URL only. */
export function parseBimi(text: string): { ok: boolean; logo?: string; authority?: string } {
  if (!/^v=BIMI1\s*(;|$)/.test(text)) return { ok: false };
  const t = tagList(text);
  if ('error' in t) return { ok: false };
  const get = (n: string) => t.fields.find((f) => f.name === n)?.value || undefined;
  const logo = get('l');
  const authority = get('a');
  return { ok: true, ...(logo ? { logo } : {}), ...(authority ? { authority } : {}) };
}
