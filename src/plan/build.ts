/**
 * `launchready plan`: a report turned into the 48-hour launch sprint. Pure.
 *
 * Each rule that fired becomes one item (all its targets, one fix), placed in the block that owns
 * its family (data.ts). Inside a block, items are ordered so every "fix first" dependency comes
 * before the item that needs it (a topological order), ties broken by severity, stage and rule id:
 * blockers first unless something must be done before them. Info findings are not work; deferred
 * (accepted) findings are listed apart, not planned.
 */
import type { Finding, Report, Severity, Stage } from '../core/types.js';
import { severityRank } from '../core/types.js';
import { AFTER, BLOCKS, FAMILY_EFFORT, RULE_EFFORT, type BlockDef } from './data.js';

export interface PlanItem {
  /** Number across the whole plan (1-based, in order of work). */
  n: number;
  block: BlockDef['id'];
  rule: string;
  title: string;
  severity: Severity;
  stage: Stage;
  targets: string[];
  fix: string;
  effortMin: number;
  /** Numbers of the items that must be done first. */
  after: number[];
}

export interface PlanBlock {
  def: BlockDef;
  items: PlanItem[];
  effortMin: number;
  /** The work is larger than the block's hours. */
  over: boolean;
}

export interface LaunchPlan {
  generatedAt: string;
  report: { startedAt: string; verdict: Report['verdict']; score: number; product: string | null };
  blocks: PlanBlock[];
  deferred: { rule: string; target: string; severity: Severity; reason: string; by?: string; until?: string }[];
  totalMin: number;
}

const DEFAULT_EFFORT = 60;

export function familyOf(rule: string): string {
  return rule.slice(0, rule.indexOf('/'));
}

export function blockOf(rule: string): BlockDef {
  return BLOCKS.find((b) => b.families.includes(familyOf(rule))) ?? BLOCKS[0]!;
}

export function effortOf(rule: string, targets: number): number {
  const base = RULE_EFFORT[rule] ?? FAMILY_EFFORT[familyOf(rule)] ?? DEFAULT_EFFORT;
  const mins = base * Math.min(1 + 0.25 * (Math.max(1, targets) - 1), 3);
  return Math.max(5, Math.round(mins / 5) * 5);
}

/** Rules that must be fixed before `rule`, among `present`. */
export function prerequisites(rule: string, present: ReadonlySet<string>): string[] {
  const specs = [...(AFTER[rule] ?? []), ...(AFTER[`${familyOf(rule)}/`] ?? [])];
  const out = new Set<string>();
  for (const s of specs) {
    if (s.endsWith('/')) {
      for (const p of present) if (p.startsWith(s) && p !== rule) out.add(p);
    } else if (present.has(s) && s !== rule) out.add(s);
  }
  return [...out];
}

interface Group {
  rule: string;
  findings: Finding[];
}

function priority(a: Group, b: Group): number {
  const fa = worst(a);
  const fb = worst(b);
  return severityRank(fa.severity) - severityRank(fb.severity) || fa.stage - fb.stage || a.rule.localeCompare(b.rule);
}

function worst(g: Group): Finding {
  return g.findings.reduce((w, f) => (severityRank(f.severity) < severityRank(w.severity) ? f : w));
}

/** Kahn's algorithm with the priority as tie-break; a cycle (none in data.ts) falls back to priority. */
function order(groups: Group[], present: ReadonlySet<string>): Group[] {
  const inBlock = new Map(groups.map((g) => [g.rule, g]));
  const deps = new Map(groups.map((g) => [g.rule, new Set(prerequisites(g.rule, present).filter((r) => inBlock.has(r)))]));
  const out: Group[] = [];
  const left = new Set(groups);
  while (left.size) {
    const ready = [...left].filter((g) => [...deps.get(g.rule)!].every((d) => !left.has(inBlock.get(d)!))).sort(priority);
    const next = ready[0] ?? [...left].sort(priority)[0]!;
    out.push(next);
    left.delete(next);
  }
  return out;
}

export function buildPlan(report: Report, now: string): LaunchPlan {
  const live = report.findings.filter((f) => !f.deferred && f.severity !== 'info');
  const byRule = new Map<string, Group>();
  for (const f of live) {
    const g = byRule.get(f.id) ?? { rule: f.id, findings: [] };
    g.findings.push(f);
    byRule.set(f.id, g);
  }
  const present = new Set(byRule.keys());
  const numbers = new Map<string, number>();
  let n = 0;
  const blocks: PlanBlock[] = BLOCKS.map((def) => {
    const groups = order([...byRule.values()].filter((g) => blockOf(g.rule).id === def.id), present);
    const items: PlanItem[] = groups.map((g) => {
      const w = worst(g);
      const targets = [...new Set(g.findings.map((f) => (f.location ? `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}` : f.target)))];
      numbers.set(g.rule, ++n);
      return { n, block: def.id, rule: g.rule, title: w.title, severity: w.severity, stage: w.stage, targets, fix: w.remediation, effortMin: effortOf(g.rule, targets.length), after: [] };
    });
    const effortMin = items.reduce((s, i) => s + i.effortMin, 0);
    return { def, items, effortMin, over: effortMin > def.length * 60 };
  });
  for (const b of blocks) for (const i of b.items) i.after = prerequisites(i.rule, present).map((r) => numbers.get(r)!).sort((x, y) => x - y);
  const summary = report.metrics.handover as { product?: { name?: string | null } } | undefined;
  return {
    generatedAt: now,
    report: { startedAt: report.startedAt, verdict: report.verdict, score: report.score.overall, product: summary?.product?.name ?? null },
    blocks,
    deferred: report.findings
      .filter((f) => f.deferred)
      .map((f) => ({ rule: f.id, target: f.target, severity: f.severity, reason: f.deferred!.reason, ...(f.deferred!.by ? { by: f.deferred!.by } : {}), ...(f.deferred!.until ? { until: f.deferred!.until } : {}) })),
    totalMin: blocks.reduce((s, b) => s + b.effortMin, 0),
  };
}

export function effortText(min: number): string {
  if (min < 60) return `~${min} min`;
  const h = Math.round((min / 60) * 2) / 2;
  return `~${h} h`;
}
