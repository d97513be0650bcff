/**
 * The `ci` artifact (deploy/no-ci-build): CI configuration files in config.repo.path (GitHub Actions,
 * GitLab CI, CircleCI, Bitbucket Pipelines, Buildkite) and whether each runs a clean install and a
 * build. Every string of the YAML is searched (run:, script:, command:, steps), because each provider
 * nests commands differently; `docker build` counts as both (the Dockerfile installs and builds).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { defineGatherer } from '../core/audit.js';
import type { CiFile, CiProvider } from '../audits/deploy/artifact.js';

const MAX_CI_BYTES = 512 * 1024;
const MAX_WORKFLOWS = 50;

export const INSTALL_RE =
  /\b(?:npm\s+(?:ci|install|i)\b|pnpm\s+(?:install|i)\b|yarn\s+(?:install\b|--frozen-lockfile|--immutable)|bun\s+install|pip3?\s+install|poetry\s+install|pipenv\s+(?:install|sync)|uv\s+sync|bundle\s+install|composer\s+install|go\s+mod\s+download|cargo\s+(?:build|fetch)|dotnet\s+restore|mix\s+deps\.get|docker\s+(?:compose\s+)?build|docker\/build-push-action|mvn\s|\.?\/?gradlew?\s)/i;
export const BUILD_RE =
  /\b(?:(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?build\b|next\s+build|vite\s+build|nuxt\s+build|astro\s+build|tsc\b|webpack\b|rollup\b|go\s+build|cargo\s+build|mvn\s+(?:package|install|verify)|\.?\/?gradlew?\s+(?:build|assemble)|make\b|docker\s+(?:compose\s+)?build|docker\/build-push-action|dotnet\s+(?:build|publish)|python3?\s+-m\s+build|hugo\b)/i;

function strings(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 40) return out;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out, depth + 1);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out, depth + 1);
  return out;
}

/** Judges one CI file's text. */
export function classifyCi(path: string, provider: CiProvider, text: string): CiFile {
  let all: string;
  let parseError: string | undefined;
  try {
    all = strings(parse(text, { maxAliasCount: 100 })).join('\n');
  } catch (e) {
    // Unparsable YAML: still look at the raw text, and say so.
    all = text;
    parseError = (e as Error).message.split('\n')[0];
  }
  return { path, provider, install: INSTALL_RE.test(all), build: BUILD_RE.test(all), ...(parseError ? { parseError } : {}) };
}

async function isFile(p: string): Promise<boolean> {
  try {
    const s = await stat(p);
    return s.isFile() && s.size <= MAX_CI_BYTES;
  } catch {
    return false;
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Candidate CI files under `root`, with their provider. */
export async function findCiFiles(root: string): Promise<{ file: string; provider: CiProvider }[]> {
  const found: { file: string; provider: CiProvider }[] = [];
  const wf = join(root, '.github', 'workflows');
  for (const f of (await list(wf)).filter((n) => /\.ya?ml$/i.test(n)).slice(0, MAX_WORKFLOWS)) found.push({ file: join(wf, f), provider: 'github-actions' });
  const fixed: [string, CiProvider][] = [
    ['.gitlab-ci.yml', 'gitlab-ci'],
    ['.circleci/config.yml', 'circleci'],
    ['.circleci/config.yaml', 'circleci'],
    ['bitbucket-pipelines.yml', 'bitbucket-pipelines'],
    ['.buildkite/pipeline.yml', 'buildkite'],
    ['.buildkite/pipeline.yaml', 'buildkite'],
    ['buildkite.yml', 'buildkite'],
  ];
  for (const [rel, provider] of fixed) found.push({ file: join(root, rel), provider });
  const out: { file: string; provider: CiProvider }[] = [];
  for (const f of found) if (await isFile(f.file)) out.push(f);
  return out;
}

export default defineGatherer({
  id: 'ci',
  title: 'Looking for a CI build',
  async gather(ctx) {
    if (!ctx.config.repo) return { error: { code: 'NOT_CONFIGURED', message: 'no repo in config (repo.path)' } };
    const root = resolve(ctx.baseDir, ctx.config.repo.path);
    try {
      if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
    } catch {
      return { error: { code: 'BAD_REPO', message: `repo.path ${ctx.config.repo.path}: not a readable directory` } };
    }
    const files: CiFile[] = [];
    for (const f of await findCiFiles(root)) {
      files.push(classifyCi(relative(root, f.file), f.provider, await readFile(f.file, 'utf8')));
    }
    return { root: ctx.config.repo.path, files };
  },
});
