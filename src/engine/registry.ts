/**
 * The registry: every rule family and gatherer the engine knows. Adding a family = one line in
 * src/audits/index.ts; adding an artifact kind = one line in src/gather/index.ts.
 */
import type { Audit, Gatherer, ArtifactId } from '../core/audit.js';
import type { RuleDef } from '../core/types.js';
import type { AuditFamily } from '../audits/family.js';
import { FAMILIES } from '../audits/index.js';
import { GATHERERS } from '../gather/index.js';
import { anchor } from './rules-doc.js';

export interface Registry {
  families: AuditFamily[];
  rules: Map<string, RuleDef>;
  audits: Audit[];
  gatherers: Map<ArtifactId, Gatherer>;
}

let cached: Registry | undefined;

export function buildRegistry(families: AuditFamily[] = FAMILIES, gatherers: Gatherer[] = GATHERERS): Registry {
  const rules = new Map<string, RuleDef>();
  for (const f of families) {
    for (const r of f.rules) {
      if (rules.has(r.id)) throw new Error(`duplicate rule id ${r.id} (family ${f.name})`);
      rules.set(r.id, r);
    }
  }
  const audits = families.flatMap((f) => f.audits as Audit[]);
  for (const a of audits) {
    for (const id of a.meta.emits) {
      if (!rules.has(id)) throw new Error(`audit ${a.meta.id} emits unknown rule ${id}`);
    }
  }
  const g = new Map<ArtifactId, Gatherer>();
  for (const x of gatherers) g.set(x.id, x);
  return { families, rules, audits, gatherers: g };
}

/** The default registry, built once. */
export function registry(): Registry {
  cached ??= buildRegistry();
  return cached;
}

/** Family of a rule id (`edge/hsts-missing` -> `edge`). */
export function familyOf(ruleId: string): string {
  return ruleId.slice(0, ruleId.indexOf('/'));
}

/** docs/rules.md anchor of a rule id (GitHub's slug: lower case, `/` dropped). */
export function docsAnchor(ruleId: string): string {
  return `docs/rules.md#${anchor(ruleId)}`;
}
