/**
 * Helpers shared by the reporters: sanitising target-supplied text, ordering findings,
 * compact evidence lines, escaping for each markup language, and picking latency histograms
 * out of `report.metrics`. Pure functions only (no clock, no I/O), so every format is
 * deterministic for a given report and golden-testable.
 */
import {
  SEVERITIES,
  STAGES,
  STAGE_NAMES,
  severityRank,
  type Finding,
  type Report,
  type RuleDef,
  type Severity,
  type Stage,
} from '../core/types.js';

/** Where the project and its rule docs live; SARIF needs absolute URIs (helpUri, informationUri). */
export const TOOL_INFORMATION_URI = 'https://github.com/launchready/launchready';
/** Base that `finding.docs` (`docs/rules.md#anchor`) is resolved against. */
export const DOCS_BASE_URI = `${TOOL_INFORMATION_URI}/blob/main/`;

// ---------------------------------------------------------------------------------------------
// Sanitising

/**
 * ANSI/VT escape sequences: CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL|ST`), and two-byte
 * `ESC x` sequences; also the 8-bit CSI (U+009B) form. Hand-written instead of the
 * `strip-ansi` package: one regex, and we also need the wider control-character pass below.
 */
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
/**
 * Everything left that a terminal, an XML parser or a reader could trip on: C0 controls
 * (tab and newlines included: every value is rendered on one line), DEL, C1 controls, bidi
 * overrides/isolates ("Trojan Source"), lone surrogates and the non-characters U+FFFE/U+FFFF.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Makes a target-supplied string safe to print: escape sequences are removed whole, other
 * control characters become a space (so `a\nb` stays two words), runs of spaces collapse.
 * A hostile server header must not recolour, move the cursor of, or retitle the terminal.
 */
export function clean(text: string): string {
  return text.replace(ANSI_RE, '').replace(CONTROL_RE, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Shortens to `max` characters (code points), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

// ---------------------------------------------------------------------------------------------
// Evidence

/** One evidence value as short single-line text (objects as compact JSON), sanitised. */
export function evidenceValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return clean(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    return value.map(evidenceValue).join(',');
  }
  try {
    return clean(JSON.stringify(value) ?? String(value));
  } catch {
    // Circular structures cannot come from JSON reports, but a caller might pass one in.
    return '[unserialisable]';
  }
}

/** `[key, value]` pairs of the evidence, in insertion order, values sanitised and cut. */
export function evidencePairs(evidence: Record<string, unknown>, maxValue = 80): [string, string][] {
  return Object.entries(evidence).map(([k, v]) => [clean(k), truncate(evidenceValue(v), maxValue)]);
}

/** `key=value key=value`, each value at most 60 chars and the line at most `max`. */
export function evidenceLine(evidence: Record<string, unknown>, max = 160): string {
  const parts = evidencePairs(evidence, 60).map(([k, v]) => `${k}=${/\s/.test(v) || v === '' ? JSON.stringify(v) : v}`);
  return truncate(parts.join(' '), max);
}

// ---------------------------------------------------------------------------------------------
// Findings

/** `file:line:column` when the finding has a location, otherwise its target. Sanitised. */
export function targetLabel(f: Finding): string {
  if (f.location?.file) {
    const { file, line, column } = f.location;
    // Forward slashes everywhere: the same report reads the same on Windows and in SARIF.
    return clean(`${file.replace(/\\/g, '/')}${line ? `:${line}${column ? `:${column}` : ''}` : ''}`);
  }
  return clean(f.target);
}

/** Report order: severity, then stage, then rule id, then target (stable for equal keys). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        severityRank(a.f.severity) - severityRank(b.f.severity) ||
        a.f.stage - b.f.stage ||
        cmp(a.f.id, b.f.id) ||
        cmp(a.f.target, b.f.target) ||
        a.i - b.i,
    )
    .map(({ f }) => f);
}

/** Code-unit comparison: locale-independent, so output is the same on every machine. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Findings grouped by severity (most severe first), each group by stage; empty groups left out. */
export function groupBySeverityThenStage(
  findings: readonly Finding[],
): { severity: Severity; count: number; stages: { stage: Stage; findings: Finding[] }[] }[] {
  const sorted = sortFindings(findings);
  const out: { severity: Severity; count: number; stages: { stage: Stage; findings: Finding[] }[] }[] = [];
  for (const severity of SEVERITIES) {
    const ofSeverity = sorted.filter((f) => f.severity === severity);
    if (ofSeverity.length === 0) continue;
    const stages = STAGES.map((stage) => ({ stage, findings: ofSeverity.filter((f) => f.stage === stage) })).filter(
      (g) => g.findings.length > 0,
    );
    out.push({ severity, count: ofSeverity.length, stages });
  }
  return out;
}

/** Number of findings per severity (every severity present, zero when none). */
export function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const counts = { blocker: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** `1 quick audit`. */
export function stageLabel(stage: Stage): string {
  return `${stage} ${STAGE_NAMES[stage]}`;
}

/** Stage score as text: the number, or an en dash when the stage was not assessed. */
export function scoreText(score: number | null | undefined): string {
  return score === null || score === undefined ? '–' : String(Math.round(score));
}

/** `not-ready` -> `NOT READY`. */
export function verdictLabel(verdict: Report['verdict']): string {
  return verdict.replace(/-/g, ' ').toUpperCase();
}

/** Family of a rule id (`edge/hsts-missing` -> `edge`). */
export function ruleFamily(id: string): string {
  const slash = id.indexOf('/');
  return slash === -1 ? id : id.slice(0, slash);
}

/** Catalog lookup by id. */
export function ruleIndex(rules: readonly RuleDef[]): Map<string, RuleDef> {
  return new Map(rules.map((r) => [r.id, r]));
}

/** Absolute docs URL for a finding's `docs` anchor (already absolute URLs pass through). */
export function docsUrl(docs: string): string {
  try {
    return new URL(docs, DOCS_BASE_URI).href;
  } catch {
    return DOCS_BASE_URI;
  }
}

/** Milliseconds as `850 ms` / `12.3 s` / `4 min 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A metric delta as `p95 of feed 410 -> 180 ms`. */
export function deltaText(d: { name: string; before: number; after: number; unit?: string }): string {
  return clean(`${d.name} ${fmtNum(d.before)} -> ${fmtNum(d.after)}${d.unit ? ` ${d.unit}` : ''}`);
}

/** Numbers without float noise (3 significant decimals at most). */
export function fmtNum(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** `2 fixed, 1 new, p95 of feed 410 -> 180 ms`. */
export function sinceLastRunText(s: NonNullable<Report['sinceLastRun']>): string {
  return [`${s.fixedFindings} fixed`, `${s.newFindings} new`, ...s.deltas.map(deltaText)].join(', ');
}

/** `1 blocker, 2 high, 3 medium` (zero counts left out; `no findings` when none). */
export function countsText(findings: readonly Finding[]): string {
  const counts = severityCounts(findings);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

// ---------------------------------------------------------------------------------------------
// Latency histograms in report.metrics

export interface LatencyMetric {
  key: string;
  kind: 'latency';
  name: string;
  buckets: { le: number; count: number }[];
  p50: number;
  p95: number;
  p99: number;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Metrics values shaped `{kind:'latency', name, buckets:[{le,count}], p50, p95, p99}`, in key
 * order. Anything else in `metrics` is free-form and ignored here (the JSON keeps it).
 */
export function latencyMetrics(metrics: Record<string, unknown>): LatencyMetric[] {
  const out: LatencyMetric[] = [];
  for (const key of Object.keys(metrics).sort(cmp)) {
    const m = metrics[key] as Record<string, unknown> | null;
    if (!m || typeof m !== 'object' || m.kind !== 'latency' || typeof m.name !== 'string') continue;
    if (!Array.isArray(m.buckets) || !isFiniteNumber(m.p50) || !isFiniteNumber(m.p95) || !isFiniteNumber(m.p99)) continue;
    const buckets = (m.buckets as unknown[]).filter(
      (b): b is { le: number; count: number } =>
        !!b && typeof b === 'object' && isFiniteNumber((b as { le: unknown }).le) && isFiniteNumber((b as { count: unknown }).count),
    );
    out.push({ key, kind: 'latency', name: m.name, buckets, p50: m.p50, p95: m.p95, p99: m.p99 });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Escaping

/** Text and attribute content for HTML (all five specials), after sanitising. */
export function escapeHtml(text: string): string {
  return clean(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** escapeHtml, with inline code spans written in single backticks (`npm ci`) as <code>. */
export function escapeHtmlKeepCode(text: string): string {
  const parts = text.split('`');
  if (parts.length % 2 === 0) return escapeHtml(text);
  return parts.map((p, i) => (i % 2 === 1 && p.trim() !== '' ? `<code>${escapeHtml(p)}</code>` : escapeHtmlSpaced(p))).join('');
}

/** escapeHtml without trimming the ends (pieces of a sentence keep their spaces). */
function escapeHtmlSpaced(text: string): string {
  const lead = /^\s/.test(text) ? ' ' : '';
  const trail = /\s$/.test(text) && text.trim() !== '' ? ' ' : '';
  return text.trim() === '' ? (text === '' ? '' : ' ') : `${lead}${escapeHtml(text)}${trail}`;
}

/** Text and attribute content for XML 1.0: sanitising removes the characters XML forbids. */
export function escapeXml(text: string): string {
  return clean(text).replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Inline Markdown text (also safe in a GFM table cell): backslash-escapes the characters that
 * start emphasis, code, links or tables; `<` becomes `&lt;` (and `&` before an entity name
 * `&amp;`) so target text can never become raw HTML or an entity on GitHub. `>` only means
 * something at the start of a line, where target text never goes.
 */
export function escapeMd(text: string): string {
  return mdChars(clean(text));
}

function mdChars(text: string): string {
  return text
    .replace(/[\\`*_[\]|~#]/g, (c) => `\\${c}`)
    .replace(/&(?=#?\w+;)/g, '&amp;')
    .replace(/</g, '&lt;');
}

/**
 * escapeMd, except that inline code spans written with single backticks (`npm ci`) stay code: a
 * code span cannot become HTML or a link on GitHub. An unpaired backtick is escaped as text.
 */
export function escapeMdKeepCode(text: string): string {
  const parts = clean(text).split('`');
  if (parts.length % 2 === 0) return mdChars(parts.join('`'));
  return parts.map((p, i) => (i % 2 === 1 && p.trim() !== '' ? `\`${p}\`` : mdChars(p))).join('');
}
