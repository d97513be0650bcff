/**
 * JSON Schema and key reference generated from the zod schema, so editors (yaml-language-server),
 * docs/config.md and the validator can never disagree. `npx tsx scripts/gen-schema.ts` writes
 * them; src/config/json-schema.test.ts fails when a committed copy drifts from this output.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

/** Repository-relative path of the committed schema (shipped in the npm package). */
export const SCHEMA_FILE = 'schema/launchready.schema.json';
/** Repository-relative path of the config reference whose generated section we own. */
export const CONFIG_DOC_FILE = 'docs/config.md';
export const REFERENCE_BEGIN = '<!-- BEGIN GENERATED: config-reference (npx tsx scripts/gen-schema.ts) -->';
export const REFERENCE_END = '<!-- END GENERATED: config-reference -->';

type JsonSchema = Record<string, unknown>;

/**
 * The input side of the schema (`io: 'input'`): keys with defaults are optional, as the user
 * writes them. Draft-07 because it is the draft editors' YAML/JSON tooling supports best.
 */
export function buildJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7' }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return { $schema, title: 'launchready configuration', ...rest };
}

/** File text of schema/launchready.schema.json (stable: same schema, same bytes). */
export function renderJsonSchema(): string {
  return JSON.stringify(buildJsonSchema(), null, 2) + '\n';
}

// ---------------------------------------------------------------- markdown reference

interface Row {
  key: string;
  type: string;
  required: boolean;
  def?: unknown;
  description: string;
}

/** One table row per key (dotted), depth first, in schema order. */
export function configReferenceRows(schema: JsonSchema = buildJsonSchema()): Row[] {
  const rows: Row[] = [];
  const resolve = (s: JsonSchema): JsonSchema => {
    const ref = s.$ref;
    if (typeof ref !== 'string') return s;
    const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(ref);
    const defs = (m ? schema[m[1]!] : undefined) as Record<string, JsonSchema> | undefined;
    return defs?.[m![2]!] ? { ...defs[m![2]!], ...s, $ref: undefined } : s;
  };
  const walk = (s: JsonSchema, prefix: string): void => {
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((s.required ?? []) as string[]);
    for (const [name, raw] of Object.entries(props)) {
      const p = resolve(raw);
      const key = prefix ? `${prefix}.${name}` : name;
      rows.push({ key, type: typeName(p, resolve), required: required.has(name), def: p.default, description: String(p.description ?? '') });
      if (p.type === 'object' && p.properties) walk(p, key);
      const extra = p.additionalProperties;
      if (p.type === 'object' && extra && typeof extra === 'object') {
        const v = resolve(extra as JsonSchema);
        if (v.properties) walk(v, `${key}.<name>`);
      }
      const items = p.items && typeof p.items === 'object' ? resolve(p.items as JsonSchema) : undefined;
      if (items?.properties) walk(items, `${key}[]`);
    }
  };
  walk(schema, '');
  return rows;
}

function typeName(s: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): string {
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if ('const' in s) return JSON.stringify(s.const);
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alts) return alts.map((a) => typeName(resolve(a), resolve)).join(' \\| ');
  if (s.type === 'array') return `${s.items ? typeName(resolve(s.items as JsonSchema), resolve) : 'any'}[]`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') {
    return `map of ${typeName(resolve(s.additionalProperties as JsonSchema), resolve)}`;
  }
  if (s.format === 'uri') return 'URL';
  return typeof s.type === 'string' ? s.type : Array.isArray(s.type) ? s.type.join(' \\| ') : 'any';
}

/** Markdown table of every key; the generated section of docs/config.md. */
export function renderConfigReference(): string {
  // Escape what Markdown would read as table syntax, HTML tags or emphasis.
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\*/g, '\\*');
  const lines = ['| key | type | default | description |', '|---|---|---|---|'];
  for (const r of configReferenceRows()) {
    const def = r.required ? '**required**' : r.def === undefined ? '' : `\`${JSON.stringify(r.def)}\``;
    lines.push(`| \`${r.key}\` | ${r.type} | ${cell(def)} | ${cell(r.description)} |`);
  }
  return lines.join('\n') + '\n';
}

/** Replace the generated section of docs/config.md (between the markers) with fresh output. */
export function updateConfigDoc(doc: string): string {
  const b = doc.indexOf(REFERENCE_BEGIN);
  const e = doc.indexOf(REFERENCE_END);
  if (b < 0 || e < b) throw new Error(`${CONFIG_DOC_FILE} lacks the generated-section markers ${REFERENCE_BEGIN} ... ${REFERENCE_END}`);
  return `${doc.slice(0, b + REFERENCE_BEGIN.length)}\n\n${renderConfigReference()}\n${doc.slice(e)}`;
}
