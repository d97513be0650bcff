/**
 * Planning: which audits run, and which artifacts they need (Lighthouse's
 * filterArtifactsByAvailableAudits). Pure.
 */
import type { Audit, ArtifactId, Gatherer } from '../core/audit.js';
import type { LaunchreadyConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import { familyOf, type Registry } from './registry.js';

export interface PlanOptions {
  /** Only these families (`edge,tls`). */
  only?: string[];
  /** Skip these families. */
  skip?: string[];
}

export interface Plan {
  audits: Audit[];
  /** Artifacts to gather, dependencies first. */
  artifacts: ArtifactId[];
  /** Audits left out, with the reason (reported as skipped). */
  excluded: { id: string; rules: string[]; reason: string }[];
}

export function planRun(reg: Registry, config: LaunchreadyConfig, opts: PlanOptions = {}): Plan {
  const families = new Set(reg.families.map((f) => f.name));
  const ruleFamilies = new Set([...reg.rules.keys()].map(familyOf));
  for (const name of [...(opts.only ?? []), ...(opts.skip ?? [])]) {
    if (!families.has(name) && !ruleFamilies.has(name)) {
      throw new UsageError(`unknown family "${name}" (known: ${[...new Set([...families, ...ruleFamilies])].sort().join(', ')})`);
    }
  }
  const excluded: Plan['excluded'] = [];
  const audits: Audit[] = [];
  for (const a of reg.audits) {
    const fams = new Set(a.meta.emits.map(familyOf));
    const selected = opts.only?.length ? [...fams].some((f) => opts.only!.includes(f)) : true;
    const skipped = opts.skip?.length ? [...fams].every((f) => opts.skip!.includes(f)) : false;
    const enabled = a.meta.emits.some((id) => config.rules[id] !== 'off');
    if (!selected || skipped) continue; // not asked for: not reported either
    if (!enabled) {
      excluded.push({ id: a.meta.id, rules: [...a.meta.emits], reason: 'off in config' });
      continue;
    }
    audits.push(a);
  }
  return { audits, artifacts: artifactOrder(audits, reg.gatherers), excluded };
}

/** Required artifacts of the audits plus their gatherers' dependencies, dependencies first. */
export function artifactOrder(audits: Audit[], gatherers: Map<ArtifactId, Gatherer>): ArtifactId[] {
  const out: ArtifactId[] = [];
  const visiting = new Set<ArtifactId>();
  const visit = (id: ArtifactId) => {
    if (out.includes(id)) return;
    if (visiting.has(id)) throw new Error(`artifact dependency cycle at ${String(id)}`);
    visiting.add(id);
    for (const d of gatherers.get(id)?.dependsOn ?? []) visit(d);
    visiting.delete(id);
    out.push(id);
  };
  for (const a of audits) for (const id of a.meta.requiredArtifacts) visit(id);
  return out;
}
