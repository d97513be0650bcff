import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOC_FILE, configReferenceRows, renderJsonSchema, SCHEMA_FILE, updateConfigDoc } from './json-schema.js';
import { configSchema } from './schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIX = path.join(ROOT, 'test/fixtures/config');
const REGEN = 'out of date: run `npx tsx scripts/gen-schema.ts` and commit the result';

// ajv-formats is CJS with `module.exports = formatsPlugin` plus a `default` property.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(JSON.parse(renderJsonSchema()));
const yamlFixture = async (name: string) => parseYaml(await readFile(path.join(FIX, name), 'utf8')) as unknown;

describe('generated files never drift', () => {
  it(`${SCHEMA_FILE} equals the freshly generated schema`, async () => {
    const committed = await readFile(path.join(ROOT, SCHEMA_FILE), 'utf8');
    expect(committed, REGEN).toBe(renderJsonSchema());
  });

  it(`${CONFIG_DOC_FILE} key reference equals the generated one`, async () => {
    const doc = await readFile(path.join(ROOT, CONFIG_DOC_FILE), 'utf8');
    expect(doc, REGEN).toBe(updateConfigDoc(doc));
  });

  it('documents every key, and only under the input view (defaults optional)', () => {
    const rows = configReferenceRows();
    const keys = rows.map((r) => r.key);
    expect(keys).toEqual(expect.arrayContaining(['domains.apex', 'network.connectTo', 'email.dkimSelectors', 'rules']));
    expect(rows.find((r) => r.key === 'domains.apex')!.required).toBe(true);
    expect(rows.find((r) => r.key === 'network.timeoutMs')).toMatchObject({ required: false, def: 5000 });
    // Every top-level key of the zod schema appears.
    for (const k of Object.keys(configSchema.shape)) expect(keys).toContain(k);
  });
});

describe('the JSON Schema agrees with the validator', () => {
  // interpolation.yaml is left out on purpose: the schema describes values after interpolation,
  // so `timeoutMs: ${LR_TIMEOUT:-4000}` is (rightly) not an integer to an editor. docs/config.md says so.
  it.each(['valid.yaml', 'missing-var.yaml'])('accepts %s', async (name) => {
    const ok = validate(await yamlFixture(name));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each([
    ['unknown-key.yaml', 'additionalProperties'],
    ['wrong-type.yaml', 'type'],
    ['missing-apex.yaml', 'required'],
  ])('rejects %s (%s)', async (name, keyword) => {
    expect(validate(await yamlFixture(name))).toBe(false);
    expect(validate.errors!.map((e) => e.keyword)).toContain(keyword);
  });

  it('accepts an empty config (every key has a default or is optional)', () => {
    expect(validate({})).toBe(true);
  });
});
