import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { CONFIG_FILENAMES, loadConfig, parseConfigText } from './loader.js';
import { configSchema } from './schema.js';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/config');

/** Runs `fn`, expecting a ConfigError; returns it. */
async function configError(fn: () => unknown): Promise<ConfigError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const load = (file: string, env: Record<string, string | undefined> = {}) => loadConfig({ path: file, cwd: FIX, env });

describe('loadConfig: YAML', () => {
  it('loads a valid file, applies defaults, resolves nothing, records interpolated names', async () => {
    const r = await load('valid.yaml', { DATABASE_URL: 'postgres://u:p@localhost/db' });
    expect(r.path).toBe(path.join(FIX, 'valid.yaml'));
    expect(r.baseDir).toBe(FIX);
    expect(r.envVars).toEqual(['DATABASE_URL']);
    expect(r.config.domains).toEqual({
      apex: 'example.com',
      canonical: 'https://www.example.com',
      subdomains: ['app', 'api', 'admin'],
      staging: ['staging.example.com', '*.vercel.app'],
    });
    expect(r.config.network).toMatchObject({ resolver: '127.0.0.1:5353', ca: './ca.pem', timeoutMs: 3000, concurrency: 16 });
    expect(r.config.rules).toEqual({ 'dns/caa-missing': 'off' });
    expect(r.config.repo).toMatchObject({ path: '.', history: false, bundles: ['dist'] });
    expect(r.config.active).toBe(false);
  });

  it('reports every unknown key with line, column and a suggestion', async () => {
    const e = await configError(() => load('unknown-key.yaml'));
    expect(e.file).toBe('unknown-key.yaml');
    expect(e.issues).toEqual([
      { path: 'domains.canonicl', message: expect.stringContaining('did you mean "canonical"'), line: 3, column: 3 },
      { path: 'network.colour', message: expect.stringContaining('unknown key "colour"'), line: 6, column: 3 },
    ]);
    expect(e.message).toContain('unknown-key.yaml:3:3 domains.canonicl');
  });

  it('reports wrong types at the value node, all at once', async () => {
    const e = await configError(() => load('wrong-type.yaml'));
    expect(e.issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['domains.subdomains', 3, 15],
      ['network.timeoutMs', 5, 14],
      ['active', 6, 9],
    ]);
    expect(e.issues[0]!.message).toMatch(/expected array/);
  });

  it('reports a missing required key at its parent mapping', async () => {
    const e = await configError(() => load('missing-apex.yaml'));
    expect(e.issues).toEqual([{ path: 'domains.apex', message: 'missing required key "apex"', line: 3, column: 3 }]);
  });

  it('reports unreadable YAML with the parser position', async () => {
    const e = await configError(() => load('bad-syntax.yaml'));
    expect(e.issues.length).toBeGreaterThan(0);
    expect(e.issues[0]).toMatchObject({ path: '', line: 4 });
    expect(e.issues[0]!.message).toMatch(/flow sequence/i);
  });

  it('rejects duplicate keys', async () => {
    const e = await configError(() => load('duplicate-key.yaml'));
    expect(e.issues).toEqual([{ path: '', message: expect.stringContaining('duplicate key'), line: 3, column: 3 }]);
  });

  it('names the path of a missing file', async () => {
    const e = await configError(() => load('nope/launchready.config.yaml'));
    expect(e.message).toContain(path.join('nope', 'launchready.config.yaml'));
    expect(e.message).toContain('not found');
  });

  it('reads JSON with line numbers', async () => {
    const e = await configError(() => load('json'));
    expect(e.issues).toEqual([{ path: 'network.timeoutMs', message: expect.stringMatching(/expected number/), line: 4, column: 29 }]);
  });

  it('treats an empty file as all defaults', () => {
    expect(parseConfigText('# nothing yet\n', 'x.yaml', {})).toEqual(configSchema.parse({}));
  });

  it('rejects a top-level list', async () => {
    const e = await configError(() => parseConfigText('- a\n- b\n', 'x.yaml', {}));
    expect(e.issues[0]).toMatchObject({ path: '', line: 1, column: 1 });
  });
});

describe('loadConfig: discovery', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lr-cfg-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns defaults when nothing is found and none is required', async () => {
    const r = await loadConfig({ cwd: dir, env: {} });
    expect(r).toEqual({ config: configSchema.parse({}), path: null, baseDir: dir, envVars: [] });
  });

  it('names every file it looked for when one is required', async () => {
    const e = await configError(() => loadConfig({ cwd: dir, env: {}, required: true }));
    for (const name of CONFIG_FILENAMES) expect(e.message).toContain(name);
  });

  it('finds launchready.config.yml in cwd, and prefers .yaml over .json', async () => {
    await writeFile(path.join(dir, 'launchready.config.json'), '{"name": "from json"}');
    await writeFile(path.join(dir, 'launchready.config.yml'), 'name: from yml\n');
    const r = await loadConfig({ cwd: dir, env: {} });
    expect(r.path).toBe(path.join(dir, 'launchready.config.yml'));
    expect(r.config.name).toBe('from yml');
  });
});

describe('loadConfig: TypeScript', () => {
  it('loads a defineConfig default export and validates it', async () => {
    const r = await load('ts', { DATABASE_URL: 'postgres://localhost/db' });
    expect(r.path).toBe(path.join(FIX, 'ts', 'launchready.config.ts'));
    expect(r.baseDir).toBe(path.join(FIX, 'ts'));
    expect(r.config.domains).toEqual({ apex: 'example.com', canonical: 'https://www.example.com', subdomains: ['app'], staging: [] });
    expect(r.config.database?.url).toBe('postgres://localhost/db');
    expect(r.envVars).toEqual(['DATABASE_URL']);
  });

  it('reports schema problems of a TS config by path, without lines', async () => {
    const e = await configError(() => load('ts-bad'));
    expect(e.issues.map((i) => i.path).sort()).toEqual(['domains.subdomain', 'network.timeoutMs']);
    expect(e.issues.every((i) => i.line === undefined)).toBe(true);
    expect(e.issues.find((i) => i.path === 'domains.subdomain')!.message).toContain('did you mean "subdomains"');
  });
});

describe('env interpolation', () => {
  it('substitutes variables, defaults and escapes; types a plain whole reference', async () => {
    const r = await load('interpolation.yaml', { LR_EDGE_HOST: 'www.example.com', DATABASE_URL: 'postgres://localhost/app' });
    expect(r.config.domains).toMatchObject({ apex: 'example.com', canonical: 'https://www.example.com' });
    expect(r.config.network.timeoutMs).toBe(4000);
    expect(r.config.network.connectTo).toEqual(['www.example.com:443:127.0.0.1:8443']);
    expect(r.config.database).toEqual({ url: 'postgres://localhost/app', migrations: '${NOT_A_VAR}/migrations' });
    expect(r.envVars).toEqual(['DATABASE_URL', 'LR_APEX', 'LR_EDGE_HOST', 'LR_TIMEOUT']);
  });

  it('uses the variable over the default when set', async () => {
    const r = await load('interpolation.yaml', { LR_APEX: 'example.org', LR_TIMEOUT: '900', LR_EDGE_HOST: 'a', DATABASE_URL: 'x' });
    expect(r.config.domains?.canonical).toBe('https://www.example.org');
    expect(r.config.network.timeoutMs).toBe(900);
  });

  it('names every unset variable with its key and line', async () => {
    const e = await configError(() => load('interpolation.yaml', {}));
    expect(e.issues.map((i) => [i.path, i.line])).toEqual([
      ['network.connectTo[0]', 6],
      ['database.url', 8],
    ]);
    expect(e.issues[0]!.message).toContain('LR_EDGE_HOST is not set');
    expect(e.issues[1]!.message).toContain('DATABASE_URL is not set');
  });

  it('never prints a value: the unset one is named, the set secret beside it never appears', async () => {
    const secret = 'hunter2-SECRET-value-9f8e';
    const e = await configError(() => load('missing-var.yaml', { DB_USER: secret, OTHER: secret }));
    expect(e.message).toContain('DB_PASSWORD');
    expect(e.message).not.toContain(secret);
  });

  it('describes an invalid interpolated value by its variable, not its content', async () => {
    const secret = 'not a url but a secret s3cr3t-token';
    const e = await configError(() => load('secret-bad-url.yaml', { CANONICAL_URL: secret }));
    expect(e.issues).toEqual([{ path: 'domains.canonical', message: 'value from ${CANONICAL_URL} is not a valid URL', line: 3, column: 14 }]);
    expect(e.message).not.toContain('s3cr3t');
  });

  it('keeps a quoted whole reference a string (and the schema then says so)', async () => {
    const e = await configError(() => parseConfigText('network:\n  timeoutMs: "${T}"\n', 'x.yaml', { T: '100' }));
    expect(e.issues[0]).toMatchObject({ path: 'network.timeoutMs', message: 'value from ${T} is not a number' });
  });

  it('rejects a malformed reference', async () => {
    const e = await configError(() => parseConfigText('name: "${not valid}"\n', 'x.yaml', {}));
    expect(e.issues[0]).toMatchObject({ path: 'name', line: 1, column: 7 });
    expect(e.issues[0]!.message).toContain('not a variable reference');
  });
});

describe('interpolation and schema problems together', () => {
  it('reports both at once, without a second message for the unset value', async () => {
    const e = await configError(() =>
      parseConfigText('domains:\n  apex: example.com\n  canonical: "${CANON}"\nnetwork:\n  timeoutMs: soon\n', 'x.yaml', {}),
    );
    expect(e.issues.map((i) => [i.path, i.line])).toEqual([
      ['domains.canonical', 3],
      ['network.timeoutMs', 5],
    ]);
    expect(e.issues[0]!.message).toContain('CANON is not set');
  });
});
