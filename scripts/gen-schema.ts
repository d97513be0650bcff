/**
 * Regenerates schema/launchready.schema.json and the key reference in docs/config.md from the zod
 * config schema. Run after changing src/config/schema.ts:
 *
 *   npx tsx scripts/gen-schema.ts          write both files
 *   npx tsx scripts/gen-schema.ts --check  exit 1 if either is out of date (CI)
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_DOC_FILE, renderJsonSchema, SCHEMA_FILE, updateConfigDoc } from '../src/config/json-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function genSchema(check: boolean): Promise<string[]> {
  const stale: string[] = [];
  const schemaPath = path.join(root, SCHEMA_FILE);
  const docPath = path.join(root, CONFIG_DOC_FILE);
  const outputs: [string, string][] = [
    [schemaPath, renderJsonSchema()],
    [docPath, updateConfigDoc(await readFile(docPath, 'utf8'))],
  ];
  for (const [file, text] of outputs) {
    const current = await readFile(file, 'utf8').catch(() => null);
    if (current === text) continue;
    stale.push(path.relative(root, file));
    if (!check) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    }
  }
  return stale;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = await genSchema(check);
  if (check && stale.length > 0) {
    process.stderr.write(`out of date: ${stale.join(', ')} (run: npx tsx scripts/gen-schema.ts)\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(stale.length ? `${check ? 'stale' : 'wrote'}: ${stale.join(', ')}\n` : 'up to date\n');
  }
}
