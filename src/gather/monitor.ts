/**
 * The `monitor` artifact: the monitor config summarised (no I/O), error-tracking evidence from the
 * repository (package.json files and env files, read with a size cap), and, when
 * monitor.verifyChannels is on, one test notification per channel.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { defineGatherer } from '../core/audit.js';
import { testAlert } from '../monitor/monitor.js';
import { ERROR_TRACKING_ENV, summariseConfig, trackingDeps } from '../monitor/summary.js';

/** Directories where a backend's package.json usually lives in a monorepo. */
const PACKAGE_DIRS = ['.', 'server', 'backend', 'api', 'app', 'web'];
const WORKSPACE_DIRS = ['apps', 'packages', 'services'];
/** At most this many package.json files are read, each up to 1 MiB. */
const MAX_FILES = 200;
const MAX_BYTES = 1024 * 1024;

function readSmall(p: string): string | null {
  try {
    const st = statSync(p);
    return st.isFile() && st.size <= MAX_BYTES ? readFileSync(p, 'utf8') : null;
  } catch {
    return null;
  }
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'node_modules' && !d.name.startsWith('.')).map((d) => join(dir, d.name));
  } catch {
    return [];
  }
}

export function scanErrorTracking(root: string, envFiles: string[]): { dependencies: string[]; envKeys: string[]; scanned: number } {
  const dirs = [...PACKAGE_DIRS.map((d) => join(root, d)), ...WORKSPACE_DIRS.flatMap((w) => subdirs(join(root, w)))].slice(0, MAX_FILES);
  const dependencies: string[] = [];
  const envKeys: string[] = [];
  let scanned = 0;
  for (const d of new Set(dirs)) {
    const text = readSmall(join(d, 'package.json'));
    if (text === null) continue;
    scanned++;
    for (const dep of trackingDeps(text)) dependencies.push(`${relative(root, join(d, 'package.json')) || 'package.json'}: ${dep}`);
  }
  const candidates = new Set(envFiles);
  for (const d of [root, ...PACKAGE_DIRS.slice(1).map((x) => join(root, x))]) {
    try {
      for (const f of readdirSync(d)) if (/^\.env(\..+)?$/.test(f) && !/\.(example|sample|template)$/.test(f)) candidates.add(join(d, f));
    } catch {
      /* no such directory */
    }
  }
  for (const f of candidates) {
    const text = readSmall(f);
    if (text === null) continue;
    scanned++;
    const vars = parseDotenv(text);
    for (const [k, v] of Object.entries(vars)) if (ERROR_TRACKING_ENV.test(k) && v.trim() !== '') envKeys.push(`${relative(root, f)}: ${k}`);
  }
  return { dependencies: dependencies.sort(), envKeys: envKeys.sort(), scanned };
}

export default defineGatherer({
  id: 'monitor',
  title: 'Reading the monitor config',
  async gather(ctx) {
    const m = ctx.config.monitor;
    const summary = summariseConfig(m);
    const applicable = !!m || !!ctx.config.repo;
    const config = [m?.errorTracking?.sentryDsn ? 'monitor.errorTracking.sentryDsn' : '', m?.errorTracking?.otelEndpoint ? 'monitor.errorTracking.otelEndpoint' : ''].filter(Boolean);
    let scan = { dependencies: [] as string[], envKeys: [] as string[], scanned: 0 };
    if (ctx.config.repo) {
      ctx.progress.update('looking for error tracking in package.json and env files');
      const root = resolve(ctx.baseDir, ctx.config.repo.path);
      const envFiles = Object.values(ctx.config.env?.files ?? {}).map((f) => resolve(ctx.config.env?.dir ? resolve(ctx.baseDir, ctx.config.env.dir) : root, f));
      scan = scanErrorTracking(root, envFiles);
    }
    let channelTests: { channel: string; ok: boolean; error?: string }[] | null = null;
    if (m?.verifyChannels) {
      channelTests = [];
      for (const name of Object.keys(m.channels)) {
        ctx.progress.update(`sending a test notification to ${name}`);
        try {
          await testAlert(ctx.config, name, ctx.net, { now: ctx.now() });
          channelTests.push({ channel: name, ok: true });
        } catch (e) {
          channelTests.push({ channel: name, ok: false, error: (e as Error).message.slice(0, 300) });
        }
      }
    }
    return { ...summary, errorTracking: { config, ...scan, applicable }, channelTests };
  },
});
