#!/usr/bin/env node
// Runs the compiled CLI when it exists (published package), else the TypeScript sources through
// tsx (a clone of the repository), so `npm ci && npm run demo` works without a build step.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');
let mod;
if (existsSync(compiled) && !process.env.LAUNCHREADY_FROM_SOURCE) {
  mod = await import(pathToFileURL(compiled).href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  mod = await tsImport(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href, import.meta.url);
}
await mod.main();
