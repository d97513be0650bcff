/**
 * The `handover` artifact: the facts the handover pack needs that only I/O can give, taken from the
 * other gatherers (env files, CI, rollback docs, email records, monitor config, DNS) plus one scan of
 * its own: the package.json files of the repository, for third-party SDKs. Names and locations only;
 * env values never leave the envFiles artifact (which holds only hashes and masks anyway).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defineGatherer } from '../core/audit.js';
import { isArtifactError } from '../core/audit.js';
import type { Artifacts } from './artifacts.js';
import type { DetectedService, EmailRecords, EnvKeyFact, HandoverArtifact } from '../handover/types.js';
import { servicesOfEmailProvider, servicesOfEnvKey, servicesOfPackage } from '../handover/services.js';

/** Where a package.json usually lives: the root, common app folders, and one level of workspaces. */
const PACKAGE_DIRS = ['.', 'server', 'backend', 'api', 'app', 'web', 'frontend', 'client'];
const WORKSPACE_DIRS = ['apps', 'packages', 'services'];
const MAX_PACKAGE_FILES = 200;
const MAX_BYTES = 1024 * 1024;

function ok<K extends keyof Artifacts>(a: Partial<Artifacts>, k: K): Artifacts[K] | null {
  const v = a[k];
  return v === undefined || isArtifactError(v) ? null : (v as Artifacts[K]);
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'node_modules' && !d.name.startsWith('.'))
      .map((d) => join(dir, d.name))
      .sort();
  } catch {
    return [];
  }
}

/** Dependencies of every package.json found (bounded count and size), as [package, file]. */
export function packageDependencies(root: string): { deps: [string, string][]; scanned: number } {
  const dirs = [...new Set([...PACKAGE_DIRS.map((d) => join(root, d)), ...WORKSPACE_DIRS.flatMap((w) => subdirs(join(root, w)))])].slice(0, MAX_PACKAGE_FILES);
  const deps: [string, string][] = [];
  let scanned = 0;
  for (const d of dirs) {
    const file = join(d, 'package.json');
    let text: string;
    try {
      const st = statSync(file);
      if (!st.isFile() || st.size > MAX_BYTES) continue;
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    scanned++;
    let pkg: Record<string, unknown>;
    try {
      pkg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      continue; // a broken package.json is the build's problem, not the handover's
    }
    const rel = relative(root, file) || 'package.json';
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
      const m = pkg[field];
      if (m && typeof m === 'object') for (const name of Object.keys(m)) deps.push([name, rel]);
    }
  }
  return { deps, scanned };
}

/** Services recognised from env var names, package.json dependencies and email providers. */
export function detectServices(envKeys: EnvKeyFact[], deps: [string, string][], emailProviders: string[]): DetectedService[] {
  const found = new Map<string, DetectedService>();
  const add = (name: string, purpose: string, from: string) => {
    const s = found.get(name) ?? { name, purpose, from: [] };
    if (!s.from.includes(from) && s.from.length < 8) s.from.push(from);
    found.set(name, s);
  };
  for (const k of envKeys) for (const s of servicesOfEnvKey(k.key)) add(s.name, s.purpose, `env ${k.key}`);
  for (const [pkg, file] of deps) for (const s of servicesOfPackage(pkg)) add(s.name, s.purpose, `package ${pkg} (${file})`);
  for (const p of emailProviders) for (const s of servicesOfEmailProvider(p)) add(s.name, s.purpose, `email provider ${p}`);
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function emailRecords(email: Artifacts['email']): EmailRecords {
  return {
    domain: email.domain,
    spf: email.spf.posture.record,
    dmarc: email.dmarc.records,
    dmarcName: email.dmarc.name,
    dkim: email.dkim.selectors.map((s) => ({
      selector: s.selector,
      name: s.name,
      found: s.found,
      ...(s.cname ? { cname: s.cname } : {}),
      ...(typeof s.bits === 'number' ? { keyBits: s.bits } : {}),
    })),
    mx: email.mx.hosts,
    nullMx: email.mx.nullMx,
    mtaSts: email.mtaSts.record,
    tlsRpt: email.tlsRpt.record,
    providers: [...new Set(email.providers.map((p) => p.name))],
  };
}

export default defineGatherer({
  id: 'handover',
  title: 'Collecting handover facts',
  dependsOn: ['targets', 'dns', 'envFiles', 'ci', 'rollback', 'email', 'monitor'],
  async gather(ctx) {
    // A bare outside audit (domains only) has nothing to hand over yet: say so instead of a page of gaps.
    if (!ctx.config.handover && !ctx.config.repo) return { error: { code: 'NOT_CONFIGURED', message: 'no handover or repo section in config' } };
    const a = ctx.artifacts;
    const env = ok(a, 'envFiles');
    const byKey = new Map<string, EnvKeyFact>();
    const envFiles: Record<string, string> = {};
    for (const f of env?.files ?? []) {
      if (!f.isExample) envFiles[f.env] = f.path;
      for (const e of f.entries) {
        const k = byKey.get(e.key) ?? { key: e.key, environments: [], secret: false };
        if (!k.environments.includes(f.env)) k.environments.push(f.env);
        if (e.looksSecret) k.secret = true;
        byKey.set(e.key, k);
      }
    }
    const envKeys = [...byKey.values()].sort((x, y) => x.key.localeCompare(y.key));
    let deps: [string, string][] = [];
    let scanned = 0;
    if (ctx.config.repo) {
      ctx.progress.update('looking for third-party SDKs in package.json files');
      ({ deps, scanned } = packageDependencies(resolve(ctx.baseDir, ctx.config.repo.path)));
    }
    const email = ok(a, 'email');
    const records = email ? emailRecords(email) : null;
    const ci = ok(a, 'ci');
    const targets = ok(a, 'targets');
    const artifact: HandoverArtifact = {
      envKeys,
      envFiles,
      detectedServices: detectServices(envKeys, deps, records?.providers ?? []),
      packagesScanned: scanned,
      ci: ci ? ci.files.map((f) => ({ path: f.path, provider: f.provider, install: f.install, build: f.build })) : null,
      rollbackDocs: ok(a, 'rollback')?.docs ?? [],
      email: records,
      monitor: ok(a, 'monitor'),
      names: targets?.names.map((n) => n.name) ?? [],
      dnsGathered: ok(a, 'dns') !== null,
    };
    return artifact;
  },
});
