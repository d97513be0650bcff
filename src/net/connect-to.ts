/**
 * curl-style `--connect-to` rules: "when asked for HOST:PORT, open the TCP connection to
 * CONNECT-TO-HOST:CONNECT-TO-PORT instead", while SNI, the Host header and certificate-name checks
 * stay those of the original name. This lets a whole audit run against a server before DNS cutover,
 * or against fixtures on loopback.
 *
 * Grammar (curl's, https://curl.se/docs/manpage.html#--connect-to):
 *
 *   rule     = host ":" port ":" host ":" port
 *   host     = "" | name | ipv4 | "[" ipv6 "]"
 *   port     = "" | 1*5DIGIT            (1..65535)
 *
 * An empty HOST or PORT on the left matches any; an empty one on the right keeps the original.
 * Hand-written because no package parses this format; it is small and fully tested.
 */
import { isIP } from 'node:net';
import { UsageError } from '../core/errors.js';
import type { ConnectToRule } from './types.js';

/** Parse one `HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT` rule; throws UsageError naming the bad value. */
export function parseConnectTo(s: string): ConnectToRule {
  const fail = (reason: string): never => {
    throw new UsageError(`invalid --connect-to "${s}": ${reason} (expected HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT)`);
  };
  let pos = 0;

  const readHost = (which: string): string => {
    if (s[pos] === '[') {
      const end = s.indexOf(']', pos);
      if (end < 0) fail(`unclosed "[" in ${which}`);
      const ip = s.slice(pos + 1, end);
      if (isIP(ip) !== 6) fail(`${which} "[${ip}]" is not an IPv6 address`);
      pos = end + 1;
      return ip.toLowerCase();
    }
    const end = s.indexOf(':', pos);
    const host = end < 0 ? s.slice(pos) : s.slice(pos, end);
    pos += host.length;
    if (host !== '' && !/^[A-Za-z0-9_.-]+$/.test(host)) fail(`${which} "${host}" is not a host name or IPv4 address (put IPv6 in brackets)`);
    return host.toLowerCase().replace(/\.$/, '');
  };
  const readPort = (which: string): string => {
    const m = /^[^:]*/.exec(s.slice(pos))![0];
    pos += m.length;
    if (m === '') return '';
    if (!/^\d{1,5}$/.test(m) || Number(m) < 1 || Number(m) > 65535) fail(`${which} "${m}" is not a port (1-65535)`);
    return String(Number(m));
  };
  const expectColon = (after: string): void => {
    if (s[pos] !== ':') fail(`missing ":" after ${after}`);
    pos++;
  };

  const host = readHost('HOST');
  expectColon('HOST');
  const port = readPort('PORT');
  expectColon('PORT');
  const toHost = readHost('CONNECT-TO-HOST');
  expectColon('CONNECT-TO-HOST');
  const toPort = readPort('CONNECT-TO-PORT');
  if (pos !== s.length) fail(`unexpected "${s.slice(pos)}" at the end`);
  return { host, port, toHost, toPort };
}

/** Strip IPv6 brackets, a trailing dot and case, so `[::1]`, `Example.COM.` compare as written in rules. */
function normHost(h: string): string {
  return h.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** Where to open the TCP connection for `host:port`. The first matching rule wins (as in curl). */
export function mapConnect(rules: readonly ConnectToRule[], host: string, port: number): { host: string; port: number } {
  const h = normHost(host);
  for (const r of rules) {
    if (r.host !== '' && normHost(r.host) !== h) continue;
    if (r.port !== '' && Number(r.port) !== port) continue;
    return { host: r.toHost === '' ? h : normHost(r.toHost), port: r.toPort === '' ? port : Number(r.toPort) };
  }
  return { host: h, port };
}
