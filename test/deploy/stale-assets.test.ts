/**
 * deploy/stale-assets across releases: the pure previous-release rules (fires / staysQuiet), then
 * end to end on a real loopback server that is "deployed" twice, with runs recorded in a real
 * history DB exactly as `launchready audit` does (runAudit, then HistoryStore.record).
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditContext } from '../../src/core/audit.js';
import { configSchema } from '../../src/config/schema.js';
import staleAssets, { assetStem, previousReleaseFindings } from '../../src/audits/deploy/stale-assets.js';
import type { AssetCheck, AssetsArtifact } from '../../src/audits/deploy/artifact.js';
import { family as deploy } from '../../src/audits/deploy/index.js';
import assetsG, { HISTORY_DB } from '../../src/gather/assets.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { runAudit } from '../../src/engine/run.js';
import { HistoryStore } from '../../src/engine/history.js';
import { createNet } from '../../src/net/index.js';
import { toNetOptions } from '../../src/config/net-options.js';
import type { Gatherer } from '../../src/core/audit.js';
import { NOW } from '../helpers/builders.js';

const HOUR = 3_600_000;
const ctx: AuditContext = { config: configSchema.parse({}), now: NOW };
const asset = (url: string, o: Partial<AssetCheck> = {}): AssetCheck => ({ url: `https://m.test${url}`, kind: 'script', status: 200, contentType: 'text/javascript', ms: 2, digest: `d-${url}`, ...o });
const art = (current: AssetCheck[], prev?: { assets: AssetCheck[]; rechecked?: AssetCheck[]; hoursAgo?: number }): AssetsArtifact => ({
  page: 'https://m.test/',
  finalUrl: 'https://m.test/',
  pageStatus: 200,
  assets: current,
  skipped: [],
  ...(prev
    ? { previous: { runId: 1, lastSeenAt: new Date(NOW - (prev.hoursAgo ?? 1) * HOUR).toISOString(), assets: prev.assets.map((a) => ({ url: a.url, kind: a.kind, ...(a.digest ? { digest: a.digest } : {}) })), rechecked: prev.rechecked ?? [] } }
    : {}),
});
const problems = (a: AssetsArtifact, hours = 24) => previousReleaseFindings(a, NOW, hours).map((f) => [f.severity, (f.evidence as { problem: string }).problem]);

describe('previous-release rules', () => {
  const oldJs = asset('/assets/app-1a2b3c4d.js', { digest: 'v1' });
  const newJs = asset('/assets/app-9f8e7d6c.js', { digest: 'v2' });

  it.each<[string, AssetsArtifact, [string, string][]]>([
    ['old asset 404 one hour after the release', art([newJs], { assets: [oldJs], rechecked: [{ ...oldJs, status: 404, digest: undefined }] }), [['high', 'previous-release-gone']]],
    ['old asset answered by the HTML fallback', art([newJs], { assets: [oldJs], rechecked: [{ ...oldJs, contentType: 'text/html' }] }), [['high', 'previous-release-gone']]],
    ['new name serving the old bytes', art([{ ...newJs, digest: 'v1' }], { assets: [oldJs], rechecked: [oldJs] }), [['high', 'old-content-new-name']]],
    ['vite-style names, old bytes', art([asset('/assets/index-BnT0x7Qd.js', { digest: 'v1' })], { assets: [asset('/assets/index-C9k2Lm4p.js', { digest: 'v1' })], rechecked: [asset('/assets/index-C9k2Lm4p.js', { digest: 'v1' })] }), [['high', 'old-content-new-name']]],
  ])('fires: %s', (_n, a, want) => {
    expect(problems(a)).toEqual(want);
  });

  it.each<[string, AssetsArtifact, number?]>([
    ['no history', art([newJs])],
    ['old asset still served, new one has new bytes', art([newJs], { assets: [oldJs], rechecked: [oldJs] })],
    ['old asset gone, but the previous release was last seen 30 h ago', art([newJs], { assets: [oldJs], rechecked: [{ ...oldJs, status: 404 }], hoursAgo: 30 })],
    ['old asset gone, check turned off (previousAssetsHours 0)', art([newJs], { assets: [oldJs], rechecked: [{ ...oldJs, status: 404 }] }), 0],
    ['same bytes under an unrelated name', art([asset('/assets/vendor-77aa88bb.js', { digest: 'v1' })], { assets: [oldJs], rechecked: [oldJs] })],
    ['only the query string changed (same path)', art([asset('/app.js?v=2', { digest: 'v1' })], { assets: [asset('/app.js?v=1', { digest: 'v1' })], rechecked: [] })],
  ])('staysQuiet: %s', (_n, a, hours) => {
    expect(problems(a, hours ?? 24)).toEqual([]);
  });

  it('strips build hashes, keeps names', () => {
    expect(assetStem('https://m.test/assets/app-1a2b3c4d.js')).toBe('/assets/app.js');
    expect(assetStem('https://m.test/static/js/main.4f2a91c0.chunk.js')).toBe('/static/js/main.chunk.js');
    expect(assetStem('https://m.test/assets/index-BnT0x7Qd.js')).toBe('/assets/index.js');
    expect(assetStem('https://m.test/assets/vendors.js')).toBe('/assets/vendors.js');
  });

  it('publishes the manifest of assets that loaded, for the history', () => {
    const r = staleAssets.audit({ assets: art([asset('/a-11aa22bb.js'), asset('/gone.css', { kind: 'style', status: 404, digest: undefined })]) }, ctx);
    expect(r.metrics).toEqual({ 'deploy.assetManifest': { page: 'https://m.test/', assets: [{ url: 'https://m.test/a-11aa22bb.js', kind: 'script', digest: 'd-/a-11aa22bb.js' }] } });
  });
});

describe('two releases on a real server, runs recorded in the history DB', () => {
  type Release = { html: string; files: Record<string, string> };
  let release: Release;
  let server: http.Server;
  let port: number;
  let dir: string;
  const registry = buildRegistry([deploy], [assetsG] as Gatherer[]);
  const V1_JS = 'console.log("release 1");'.repeat(20);
  const V2_JS = 'console.log("release 2");'.repeat(20);
  const CSS = 'body{margin:0}';
  const page = (js: string) => `<!doctype html><html><head><link rel="stylesheet" href="/assets/site-aa11bb22.css"></head><body><script src="${js}"></script></body></html>`;
  const v1: Release = { html: page('/assets/app-1a2b3c4d.js'), files: { '/assets/app-1a2b3c4d.js': V1_JS, '/assets/site-aa11bb22.css': CSS } };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lr-stale-'));
    server = http.createServer((req, res) => {
      if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(release.html);
      const body = release.files[req.url!];
      if (body === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      if (body.startsWith('<!doctype')) return void res.writeHead(200, { 'content-type': 'text/html' }).end(body);
      res.writeHead(200, { 'content-type': req.url!.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  /** One `launchready audit` of stage 5 assets at time `at`, recorded in <dir>/.launchready/history.db. */
  async function auditAt(at: number, hours?: number) {
    const config = configSchema.parse({
      domains: { apex: 'shop.test', canonical: `http://www.shop.test:${port}` },
      network: { connectTo: [`www.shop.test:${port}:127.0.0.1:${port}`] },
      ...(hours !== undefined ? { deploy: { previousAssetsHours: hours } } : {}),
    });
    const net = createNet(await toNetOptions(config, dir));
    try {
      const { report } = await runAudit({ config, configPath: null, baseDir: dir, net, registry, only: ['deploy'], now: () => at });
      const store = new HistoryStore(join(dir, HISTORY_DB));
      try {
        store.record(dir, report);
      } finally {
        store.close();
      }
      return report.findings.filter((f) => f.id === 'deploy/stale-assets');
    } finally {
      await net.close();
    }
  }

  it('release 1 is clean and recorded; re-running it finds no earlier release', async () => {
    rmSync(join(dir, '.launchready'), { recursive: true, force: true });
    release = v1;
    expect(await auditAt(NOW)).toEqual([]);
    expect(await auditAt(NOW + HOUR)).toEqual([]);
  });

  it('release 2 that deleted the old bundle: clients on the old HTML break (high, names the asset)', async () => {
    release = { html: page('/assets/app-9f8e7d6c.js'), files: { '/assets/app-9f8e7d6c.js': V2_JS, '/assets/site-aa11bb22.css': CSS } };
    const [f, ...rest] = await auditAt(NOW + 2 * HOUR);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      severity: 'high',
      evidence: { problem: 'previous-release-gone', hoursSince: 1, gone: [{ url: `http://www.shop.test:${port}/assets/app-1a2b3c4d.js`, problem: 'status 404' }], rechecked: 1 },
    });
    // a later run still compares with release 1 (the runs that saw release 2 are skipped)
    expect((await auditAt(NOW + 3 * HOUR)).map((x) => (x.evidence as { problem: string }).problem)).toEqual(['previous-release-gone']);
    // ...until release 1 was last seen longer ago than deploy.previousAssetsHours
    expect(await auditAt(NOW + 30 * HOUR)).toEqual([]);
    expect(await auditAt(NOW + 4 * HOUR, 2)).toEqual([]);
  });

  it('release 3 whose new bundle name is served with release 2\'s bytes (stale CDN): old-content-new-name', async () => {
    release = {
      html: page('/assets/app-5e6f7a8b.js'),
      // the old name is kept (good), but the new name answers with the old bytes
      files: { '/assets/app-9f8e7d6c.js': V2_JS, '/assets/app-5e6f7a8b.js': V2_JS, '/assets/site-aa11bb22.css': CSS },
    };
    const found = await auditAt(NOW + 31 * HOUR);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'high',
      evidence: { problem: 'old-content-new-name', stale: [{ url: `http://www.shop.test:${port}/assets/app-5e6f7a8b.js`, sameBytesAs: `http://www.shop.test:${port}/assets/app-9f8e7d6c.js` }] },
    });
  });

  it('release 4 done right (new bytes, old bundle kept): quiet', async () => {
    release = {
      html: page('/assets/app-0c0d0e0f.js'),
      files: { '/assets/app-5e6f7a8b.js': V2_JS, '/assets/app-0c0d0e0f.js': 'console.log("release 4");', '/assets/site-aa11bb22.css': CSS },
    };
    expect(await auditAt(NOW + 32 * HOUR)).toEqual([]);
  });
});
