/**
 * The catalog test (STYLE.md convention 4): every rule id is unique, well-formed, documented in
 * docs/rules.md exactly as generated, and emitted by some audit; and CATALOG.md's minimum catalog
 * is covered except for the ids still listed as pending below (owned by open issues).
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../src/audits/index.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { renderRulesDoc, anchor } from '../../src/engine/rules-doc.js';

const root = resolve(import.meta.dirname, '../..');
const catalogPath = resolve(root, '../shared/CATALOG.md');

/** Catalog ids whose owning issue has not landed yet. Shrinks as families land; never grows. */
const PENDING = new Set<string>(JSON.parse(readFileSync(resolve(import.meta.dirname, 'pending-rules.json'), 'utf8')) as string[]);

describe('rule catalog', () => {
  const reg = buildRegistry();
  const rules = [...reg.rules.values()];

  it('has well-formed, unique ids with stage and wording', () => {
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z0-9]+\/[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.stage).toBeGreaterThanOrEqual(1);
      expect(r.stage).toBeLessThanOrEqual(7);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.why.length).toBeGreaterThan(20);
      expect(r.remediation.length).toBeGreaterThan(20);
    }
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('emits every rule from some audit', () => {
    const emitted = new Set(reg.audits.flatMap((a) => a.meta.emits));
    expect(rules.filter((r) => !emitted.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('keeps docs/rules.md equal to the generated text (run `npm run gen`)', () => {
    const doc = readFileSync(resolve(root, 'docs/rules.md'), 'utf8');
    expect(doc).toBe(renderRulesDoc(FAMILIES));
    for (const r of rules) expect(doc).toContain(`### ${r.id}\n`);
    for (const r of rules) expect(doc).toContain(`(#${anchor(r.id)})`);
  });

  it('covers CATALOG.md except the pending ids, with its default severities', () => {
    expect(existsSync(catalogPath), `../shared/CATALOG.md not found at ${catalogPath}`).toBe(true);
    const rows = [...readFileSync(catalogPath, 'utf8').matchAll(/^\| ([a-z0-9]+\/[a-z0-9-]+) \| (blocker|high|medium|low) \|/gm)];
    expect(rows.length).toBeGreaterThan(90);
    const missing: string[] = [];
    for (const [, id, sev] of rows) {
      const r = reg.rules.get(id!);
      if (!r) {
        if (!PENDING.has(id!)) missing.push(id!);
        continue;
      }
      expect(PENDING.has(id!), `${id} is implemented: remove it from test/engine/pending-rules.json`).toBe(false);
      if (!r.severityNote) expect(r.severity, id).toBe(sev);
    }
    expect(missing).toEqual([]);
  });
});
