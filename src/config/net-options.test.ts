import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../core/errors.js';
import { toNetOptions } from './net-options.js';
import { configSchema, type LaunchreadyConfigInput } from './schema.js';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/config');
const cfg = (network: LaunchreadyConfigInput['network'] = {}) => configSchema.parse({ network });

describe('toNetOptions', () => {
  it('maps defaults to an empty, system-resolver setup', async () => {
    expect(await toNetOptions(cfg(), FIX)).toEqual({
      resolvers: [],
      connectTo: [],
      timeoutMs: 5000,
      concurrency: 16,
      maxBodyBytes: 2 * 1024 * 1024,
    });
  });

  it.each([
    ['127.0.0.1:5353', ['127.0.0.1:5353']],
    [['127.0.0.1:5353', '[::1]:53'], ['127.0.0.1:5353', '[::1]:53']],
    ['10.0.0.1, 10.0.0.2:53', ['10.0.0.1', '10.0.0.2:53']],
  ])('resolver %j -> %j', async (resolver, expected) => {
    expect((await toNetOptions(cfg({ resolver }), FIX)).resolvers).toEqual(expected);
  });

  it('parses connectTo rules, command-line ones first, and reads the CA relative to baseDir', async () => {
    const o = await toNetOptions(cfg({ connectTo: [':443:127.0.0.1:8443'], ca: './ca.pem', timeoutMs: 1000 }), FIX, {
      connectTo: ['www.example.com:443:127.0.0.2:9443'],
      timeoutMs: 250,
    });
    expect(o.connectTo).toEqual([
      { host: 'www.example.com', port: '443', toHost: '127.0.0.2', toPort: '9443' },
      { host: '', port: '443', toHost: '127.0.0.1', toPort: '8443' },
    ]);
    expect(o.extraCaPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(o.timeoutMs).toBe(250);
  });

  it('overrides replace the config resolver and CA (CA resolved from the given cwd)', async () => {
    const o = await toNetOptions(cfg({ resolver: '1.1.1.1', ca: './missing.pem' }), '/nonexistent', {
      resolver: ['127.0.0.1:5353'],
      ca: 'ca.pem',
      cwd: FIX,
    });
    expect(o.resolvers).toEqual(['127.0.0.1:5353']);
    expect(o.extraCaPem).toContain('BEGIN CERTIFICATE');
  });

  it.each([
    ['./missing.pem', /network\.ca.*missing\.pem: file not found/s],
    ['./not-pem.txt', /network\.ca.*not a PEM certificate/s],
  ])('network.ca %s is a ConfigError naming the key and path', async (ca, re) => {
    const err = await toNetOptions(cfg({ ca }), FIX).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(re);
  });

  it('a PEM block that is not a certificate is rejected', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lr-ca-'));
    try {
      await writeFile(path.join(dir, 'bad.pem'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
      await expect(toNetOptions(cfg({ ca: 'bad.pem' }), dir)).rejects.toThrow(/certificate #1 .* not a valid X\.509/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a bad config connectTo rule is a ConfigError naming its index', async () => {
    const err = await toNetOptions(cfg({ connectTo: [':443:127.0.0.1:8443', 'nonsense'] }), FIX).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]!.path).toBe('network.connectTo[1]');
  });

  it('a bad --connect-to or --ca stays a UsageError', async () => {
    await expect(toNetOptions(cfg(), FIX, { connectTo: ['nonsense'] })).rejects.toBeInstanceOf(UsageError);
    await expect(toNetOptions(cfg(), FIX, { ca: 'nope.pem', cwd: FIX })).rejects.toThrow(/--ca nope\.pem: file not found/);
  });
});
