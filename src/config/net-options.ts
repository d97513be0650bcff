/**
 * Turns the `network` section (plus command-line overrides) into the NetOptions src/net needs.
 * The only I/O here is reading the extra CA file, so `createNet` itself stays free of config paths.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, UsageError } from '../core/errors.js';
import { parseConnectTo } from '../net/connect-to.js';
import type { ConnectToRule, NetOptions } from '../net/types.js';
import type { LaunchreadyConfig } from './schema.js';

export interface NetOverrides {
  /** `--resolver` values (each may itself be comma-separated). Replace `network.resolver`. */
  resolver?: string[];
  /** `--connect-to` rules. Placed before the config's rules, so they win on the same HOST:PORT. */
  connectTo?: string[];
  /** `--ca FILE`, resolved from `cwd`. Replaces `network.ca`. */
  ca?: string;
  timeoutMs?: number;
  /** Directory command-line paths resolve from. Default: process.cwd(). */
  cwd?: string;
}

export async function toNetOptions(config: LaunchreadyConfig, baseDir: string, overrides: NetOverrides = {}): Promise<NetOptions> {
  const net = config.network;
  const resolvers = splitList(overrides.resolver ?? (net.resolver === undefined ? [] : [net.resolver].flat()));

  const connectTo: ConnectToRule[] = [];
  // Command-line rules are UsageErrors already (parseConnectTo throws them); config ones are
  // re-thrown as ConfigErrors naming the key, since the fix is in the file.
  for (const s of overrides.connectTo ?? []) connectTo.push(parseConnectTo(s));
  net.connectTo.forEach((s, i) => {
    try {
      connectTo.push(parseConnectTo(s));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new ConfigError(null, [{ path: `network.connectTo[${i}]`, message: err.message.replace(/^invalid --connect-to /, 'invalid rule ') }]);
    }
  });

  let extraCaPem: string | undefined;
  if (overrides.ca !== undefined) {
    const file = path.resolve(overrides.cwd ?? process.cwd(), overrides.ca);
    extraCaPem = await readPem(file, (msg) => new UsageError(`--ca ${overrides.ca}: ${msg}`));
  } else if (net.ca !== undefined) {
    const file = path.resolve(baseDir, net.ca);
    extraCaPem = await readPem(file, (msg) => new ConfigError(null, [{ path: 'network.ca', message: `${file}: ${msg}` }]));
  }

  return {
    resolvers,
    connectTo,
    ...(extraCaPem !== undefined ? { extraCaPem } : {}),
    timeoutMs: overrides.timeoutMs ?? net.timeoutMs,
    concurrency: net.concurrency,
    maxBodyBytes: net.maxBodyBytes,
  };
}

function splitList(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads a PEM bundle and checks every certificate parses, so a wrong file fails here, clearly. */
async function readPem(file: string, fail: (msg: string) => Error): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? 'error'})`);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw fail('not a PEM certificate file (no "-----BEGIN CERTIFICATE-----" block)');
  blocks.forEach((b, i) => {
    try {
      new X509Certificate(b);
    } catch {
      throw fail(`certificate #${i + 1} in the file is not a valid X.509 certificate`);
    }
  });
  return blocks.join('\n') + '\n';
}
