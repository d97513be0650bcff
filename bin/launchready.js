#!/usr/bin/env node
// In a clone of the repository (src/ present) runs the TypeScript sources through tsx, so
// `npm ci && npm run demo` works without a build step and never picks up a stale dist/; the
// published package ships only dist/ and runs the compiled JS.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');
const sources = join(root, 'src', 'cli', 'main.ts');
let mod;
if (existsSync(compiled) && (!existsSync(sources) || process.env.LAUNCHREADY_COMPILED)) {
  mod = await import(pathToFileURL(compiled).href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  mod = await tsImport(pathToFileURL(sources).href, import.meta.url);
}
await mod.main();
