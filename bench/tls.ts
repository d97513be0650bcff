/**
 * TLS check side by side with testssl.sh (Debian package `testssl.sh`, command `testssl`) on the
 * same local HTTPS servers: same verdicts on expiry, hostname, chain and legacy protocols, and the
 * ratio of wall times.
 *
 *   npx tsx bench/tls.ts                 # testssl -p -S (protocols + certificate): all four verdicts
 *   npx tsx bench/tls.ts --protocols-only  # testssl -p only (~8 s a server): legacy verdict only
 *
 * Everything listens on 127.0.0.44; testssl is given --ip and --nodns none, so it never resolves
 * or connects anywhere else. Exits 1 when a verdict differs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCertAuthority } from '../src/harness/certs.js';
import { startHttpsServer, type HttpsServerOpts, type ServerHandle } from '../src/harness/http-servers.js';
import { createTlsProber } from '../src/net/tls.js';
import { parseConnectTo } from '../src/net/connect-to.js';
import { probeName } from '../src/gather/tls.js';
import certificate from '../src/audits/tls/certificate.js';
import legacyProtocol from '../src/audits/tls/legacy-protocol.js';
import { configSchema } from '../src/config/schema.js';

const HOST = '127.0.0.44';
const DAY = 86_400_000;
const protocolsOnly = process.argv.includes('--protocols-only');

interface Verdicts {
  expired: boolean | null;
  hostname: boolean | null;
  chain: boolean | null;
  legacy: boolean | null;
}

const which = spawnSync('sh', ['-c', 'command -v testssl || command -v testssl.sh'], { encoding: 'utf8' });
const testsslBin = which.stdout.trim();
if (!testsslBin) {
  console.log('testssl not installed (Debian: apt-get install testssl.sh); nothing to compare against.');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'lr-bench-tls-'));
const servers: Record<string, ServerHandle> = {};
try {
  const root = await createCertAuthority({ name: 'Bench Root', keyType: 'rsa' });
  const inter = await createCertAuthority({ name: 'Bench Intermediate', parent: root, keyType: 'rsa' });
  writeFileSync(join(dir, 'ca.pem'), root.certPem);
  const now = Date.now();
  const issue = (names: string[], o: object = {}) => root.issue({ names, keyType: 'rsa', intermediate: inter, ...o });
  const [good, legacyCert, expired, wrong, nointer] = await Promise.all([
    issue(['good.test']),
    issue(['legacy.test']),
    issue(['expired.test'], { notBefore: new Date(now - 100 * DAY), notAfter: new Date(now - 2 * DAY) }),
    issue(['other.test']),
    issue(['nointer.test']),
  ]);
  const cases: [string, Omit<HttpsServerOpts, 'handler' | 'host'>][] = [
    ['good', { cert: good }],
    // OpenSSL 3 speaks TLS 1.0 only at security level 0.
    ['legacy', { cert: legacyCert, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }],
    ['expired', { cert: expired }],
    ['wrong', { cert: wrong }],
    ['nointer', { cert: { ...nointer, chainPem: nointer.leafOnlyPem } }],
  ];
  for (const [name, o] of cases) servers[name] = await startHttpsServer({ host: HOST, handler: (_q, r) => r.end('ok'), ...o });

  const prober = createTlsProber({
    resolvers: [],
    connectTo: Object.entries(servers).map(([n, s]) => parseConnectTo(`${n}.test:443:${HOST}:${s.port}`)),
    extraCaPem: root.certPem,
    timeoutMs: 5000,
    concurrency: 16,
    maxBodyBytes: 1024,
  });
  const ctx = { config: configSchema.parse({}), now: Date.now() };

  async function ours(name: string): Promise<{ v: Verdicts; ms: number }> {
    const t0 = performance.now();
    const t = await probeName(prober, `${name}.test`);
    const rules = new Set([...certificate.audit({ tls: [t] }, ctx).findings, ...legacyProtocol.audit({ tls: [t] }, ctx).findings].map((f) => f.rule));
    const ms = performance.now() - t0;
    return { v: { expired: rules.has('tls/expired'), hostname: rules.has('tls/hostname-mismatch'), chain: rules.has('tls/untrusted-chain'), legacy: rules.has('tls/legacy-protocol') }, ms };
  }

  async function theirs(name: string): Promise<{ v: Verdicts; ms: number; raw: string }> {
    const json = join(dir, `${name}.json`);
    const args = [
      '-p', ...(protocolsOnly ? [] : ['-S']),
      '--quiet', '--nodns', 'none', '--ip', HOST, '--add-ca', join(dir, 'ca.pem'),
      '--color', '0', '--warnings', 'off', '--jsonfile', json, `${name}.test:${servers[name]!.port}`,
    ];
    const t0 = performance.now();
    // Asynchronous on purpose: the servers live in this process, and spawnSync would block the event
    // loop that serves testssl's handshakes. stdin is closed: testssl waits on an open pipe.
    const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      const child = spawn(testsslBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', () => {
        clearTimeout(timer);
        resolve({ stdout, stderr });
      });
    });
    const ms = performance.now() - t0;
    let rows: { id: string; finding: string; severity: string }[] = [];
    try {
      rows = JSON.parse(readFileSync(json, 'utf8'));
    } catch {
      return { v: { expired: null, hostname: null, chain: null, legacy: null }, ms, raw: (r.stdout + r.stderr).slice(-400) };
    }
    // Multi-certificate servers suffix ids with " <cert#1>"; ours serve one certificate.
    const get = (id: string) => rows.find((x) => x.id === id || x.id.startsWith(`${id} `));
    const offered = (id: string) => /^offered/.test(get(id)?.finding ?? '');
    const exp = get('cert_expirationStatus');
    const trust = get('cert_trust');
    const chain = get('cert_chain_of_trust');
    return {
      v: {
        expired: exp ? /expired/i.test(exp.finding) : null,
        hostname: trust ? /does not match/i.test(trust.finding) : null,
        // testssl also fails the chain of an expired leaf; we report that once, as tls/expired.
        chain: chain ? !/^passed/i.test(chain.finding) && !/expired/i.test(chain.finding) : null,
        legacy: get('TLS1') || get('TLS1_1') ? offered('TLS1') || offered('TLS1_1') : null,
      },
      ms,
      raw: '',
    };
  }

  const pad = (s: string, n: number) => s.padEnd(n);
  const fmt = (v: Verdicts) => (['expired', 'hostname', 'chain', 'legacy'] as const).map((k) => (v[k] === null ? '-' : v[k] ? 'X' : '.')).join('');
  console.log(`testssl: ${testsslBin} ${protocolsOnly ? '-p' : '-p -S'}   verdict columns: expired hostname-mismatch untrusted-chain legacy-protocol (X fires, . clean, - not checked)`);
  console.log(`${pad('server', 10)}${pad('ours', 7)}${pad('testssl', 9)}${pad('same', 6)}${pad('ours ms', 10)}${pad('testssl ms', 12)}ratio`);
  let oursTotal = 0;
  let theirsTotal = 0;
  let differ = 0;
  for (const [name] of cases) {
    const a = await ours(name);
    const b = await theirs(name);
    const keys = (['expired', 'hostname', 'chain', 'legacy'] as const).filter((k) => b.v[k] !== null);
    const same = keys.length > 0 && keys.every((k) => a.v[k] === b.v[k]);
    if (!same) differ++;
    oursTotal += a.ms;
    theirsTotal += b.ms;
    console.log(`${pad(name, 10)}${pad(fmt(a.v), 7)}${pad(fmt(b.v), 9)}${pad(same ? 'yes' : 'NO', 6)}${pad(a.ms.toFixed(0), 10)}${pad(b.ms.toFixed(0), 12)}${(b.ms / a.ms).toFixed(0)}x`);
    if (b.raw) console.log(`  testssl output: ${b.raw.replace(/\s+/g, ' ')}`);
  }
  console.log(`${pad('total', 32)}${pad(oursTotal.toFixed(0), 10)}${pad(theirsTotal.toFixed(0), 12)}${(theirsTotal / oursTotal).toFixed(0)}x`);
  if (differ) {
    console.log(`${differ} server(s) with different verdicts`);
    process.exitCode = 1;
  }
} finally {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
}
