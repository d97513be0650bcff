/**
 * IP address helpers for SPF: strict parsing, CIDR matching, IPv4-mapped IPv6 folding and the
 * reverse-name forms the `i` macro and the `ptr` mechanism need.
 *
 * Hand-written rather than node:net BlockList because SPF needs the raw bits (the `i` macro
 * spells an IPv6 address nibble by nibble) and the exact RFC 7208 rule that an IPv4-mapped
 * IPv6 client is evaluated as IPv4 (section 5, "SPF implementations on IPv6 servers need to
 * handle both").
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface ParsedIp {
  family: 4 | 6;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

/** Parses a dotted quad or an IPv6 address (no zone id, no brackets); null when invalid. */
export function parseIp(text: string): ParsedIp | null {
  if (isIPv4(text)) return { family: 4, value: v4ToBigint(text) };
  if (isIPv6(text) && !text.includes('%')) return { family: 6, value: v6ToBigint(text) };
  return null;
}

function v4ToBigint(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6ToBigint(text: string): bigint {
  let t = text;
  // An embedded dotted quad counts as two 16-bit groups.
  const lastColon = t.lastIndexOf(':');
  const tail = t.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = v4ToBigint(tail);
    t = `${t.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = t.includes('::') ? t.split('::') as [string, string] : [t, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === undefined ? [] : rest ? rest.split(':') : [];
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...restGroups];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** RFC 7208 section 5: an IPv4-mapped IPv6 client (::ffff:a.b.c.d) is checked as IPv4. */
export function normaliseClientIp(ip: ParsedIp): ParsedIp {
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) return { family: 4, value: ip.value & 0xffffffffn };
  return ip;
}

/** True when `ip` lies in `net/prefix` (same family required). */
export function inNetwork(ip: ParsedIp, net: ParsedIp, prefix: number): boolean {
  if (ip.family !== net.family) return false;
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix === 0) return true;
  const shift = BigInt(bits - prefix);
  return ip.value >> shift === net.value >> shift;
}

/** Dotted quad, or the fully expanded lower-case IPv6 form (8 groups of 4 hex digits). */
export function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((ip.value >> s) & 0xffn).toString()).join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((ip.value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return compressV6(groups);
}

/** RFC 5952 text form (the `c` macro): longest run of 2+ zero groups becomes `::`. */
function compressV6(groups: string[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

/**
 * The `i` macro value: dotted quad, or 32 dot-separated nibbles for IPv6 (RFC 7208 7.3).
 * RFC 7208 does not fix the case of the nibbles (DNS ignores it); `upper` lets the caller keep the
 * case the address was written in, which is what the RFC 7208 test suite expects in exp= text.
 */
export function ipMacroValue(ip: ParsedIp, upper = false): string {
  if (ip.family === 4) return formatIp(ip);
  const hex = ip.value.toString(16).padStart(32, '0');
  return (upper ? hex.toUpperCase() : hex).split('').join('.');
}

/** The name to query PTR for: `4.3.2.1.in-addr.arpa` or the nibble form under `ip6.arpa`. */
export function reverseName(ip: ParsedIp): string {
  if (ip.family === 4) return `${formatIp(ip).split('.').reverse().join('.')}.in-addr.arpa`;
  return `${ipMacroValue(ip).split('.').reverse().join('.')}.ip6.arpa`;
}

/** The address at the start of `net/prefix` and its size in addresses, for posture reports. */
export function networkSize(family: 4 | 6, prefix: number): bigint {
  return 1n << BigInt((family === 4 ? 32 : 128) - prefix);
}
