/**
 * The migration linter: `lintMigrations(files)` -> issues with file:line:column and a safe rewrite.
 *
 * SQL is parsed with libpg-query 18 (the real PostgreSQL parser compiled to WebAssembly, no
 * download at install), so every statement PostgreSQL accepts is understood exactly, comments and
 * dollar-quoted bodies included. Files are processed in migration order (natural sort of paths)
 * because later files depend on facts from earlier ones (column types, NOT NULL checks).
 */
import { loadModule, parseSync } from 'libpg-query';
import type { MigrationFileInfo, MigrationIssue, MigrationLintResult, MigrationRuleId, MigrationSourceFile } from './types.js';
import { byteToCharMapper, ignoredRules, LineIndex, shortStatement, skipTrivia, type Segment } from './source.js';
import { classify } from './layout.js';
import { checkStatement, type FileState, type SchemaModel, type StatementCtx } from './sql-rules.js';
import { builderHits } from './builder-rules.js';

export const PARSER = 'libpg-query 18 (PostgreSQL 18 parser, WebAssembly)';

let loaded: Promise<void> | null = null;
/** libpg-query's *Sync functions need the WASM module loaded once per process. */
function ensureParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

/** Natural order: 2_x.sql before 10_x.sql, as migration tools run them. */
const byMigrationOrder = (a: MigrationSourceFile, b: MigrationSourceFile) => a.path.localeCompare(b.path, 'en', { numeric: true });

interface Sink {
  issues: MigrationIssue[];
  ignored: MigrationLintResult['ignored'];
}

export async function lintMigrations(files: MigrationSourceFile[]): Promise<MigrationLintResult> {
  await ensureParser();
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const model: SchemaModel = { columnTypes: new Map(), notNullChecks: new Set() };
  const out: MigrationFileInfo[] = [];
  const sink: Sink = { issues: [], ignored: [] };

  for (const raw of [...files].sort(byMigrationOrder)) {
    // A byte-order mark would be a syntax error for the parser; a space keeps every offset.
    const f = raw.text.charCodeAt(0) === 0xfeff ? { path: raw.path, text: ` ${raw.text.slice(1)}` } : raw;
    const c = classify(f.path, f.text, texts);
    if (!c) continue;
    const lines = new LineIndex(f.text);
    const state: FileState = { createdTables: new Set(), createdIndexes: new Set() };
    let statements = 0;
    if (c.role !== 'down') {
      for (const seg of c.segments) statements += lintSegment(f, seg, c.layout, lines, state, model, sink);
      for (const h of builderHits(c.layout, f.text, c.upRange)) {
        const pos = lines.at(h.offset);
        const lineEnd = f.text.indexOf('\n', h.offset);
        const lineText = f.text.slice(h.offset, lineEnd < 0 ? undefined : lineEnd);
        // Builder calls take the ignore comment on their own line or the line above.
        const prevLineStart = f.text.lastIndexOf('\n', f.text.lastIndexOf('\n', h.offset - 1) - 1) + 1;
        const around = f.text.slice(prevLineStart, lineEnd < 0 ? undefined : lineEnd);
        push(sink, ignoredRules(around), { rule: h.rule, file: f.path, ...pos, table: h.table, statement: shortStatement(lineText), evidence: h.evidence, rewrite: h.rewrite });
      }
    }
    if (c.reversible === 'irreversible') {
      // Reversibility is a property of the whole file: the ignore comment may sit anywhere in it.
      push(sink, ignoredRules(f.text), {
        rule: 'migrations/irreversible',
        file: f.path,
        line: 1,
        column: 1,
        statement: '',
        evidence: { layout: c.layout, reason: c.irreversibleReason ?? 'no down migration' },
        rewrite: REVERSE_HINT[c.layout] ?? 'Add a down migration that undoes this one, or mark it as accepted with a launchready-ignore comment and document the roll-forward plan.',
      });
    }
    out.push({
      path: f.path,
      layout: c.layout,
      role: c.role,
      reversible: c.reversible,
      ...(c.irreversibleReason ? { irreversibleReason: c.irreversibleReason } : {}),
      statements,
      unlintedSnippets: c.unlintedSnippets,
    });
  }
  return { parser: PARSER, files: out, issues: sink.issues, ignored: sink.ignored };
}

const REVERSE_HINT: Record<string, string> = {
  'paired-sql': 'Add the matching .down.sql that undoes this migration (DROP what it creates, restore what it drops).',
  dbmate: 'Fill the `-- migrate:down` section with statements that undo the up section.',
  goose: 'Fill the `-- +goose Down` section with statements that undo the up section.',
  flyway: 'Add the matching U<version>__<desc>.sql undo script.',
  'node-pg-migrate': 'Export a down(pgm) that undoes the raw SQL (node-pg-migrate reverses builder calls itself, not pgm.sql).',
  knex: 'Implement exports.down so that it undoes exports.up.',
  typeorm: 'Implement down(queryRunner) so that it undoes up.',
  js: 'Export a down function that undoes up.',
  rails: 'Use reversible blocks or define both up and down.',
  django: 'Pass reverse_sql= / reverse_code= (migrations.RunPython.noop when nothing needs undoing).',
};

function push(sink: Sink, ignore: Set<string>, issue: MigrationIssue): void {
  if (ignore.has(issue.rule) || ignore.has('*')) sink.ignored.push({ rule: issue.rule, file: issue.file, line: issue.line });
  else sink.issues.push(issue);
}

/** Parses one SQL segment and runs the checks on each statement. Returns the statement count. */
function lintSegment(f: MigrationSourceFile, seg: Segment, layout: MigrationFileInfo['layout'], lines: LineIndex, state: FileState, model: SchemaModel, sink: Sink): number {
  if (skipTrivia(seg.text, 0) >= seg.text.length) return 0;
  const toChar = byteToCharMapper(seg.text);
  let parsed;
  try {
    parsed = parseSync(seg.text);
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { cursorPosition?: number } };
    // cursorPosition is a 0-based character offset into the parsed string.
    const at = seg.offset + Math.max(0, err.sqlDetails?.cursorPosition ?? 0);
    sink.issues.push({
      rule: 'migrations/unparseable',
      file: f.path,
      ...lines.at(at),
      statement: shortStatement(seg.text.slice(Math.max(0, (err.sqlDetails?.cursorPosition ?? 0) - 40), (err.sqlDetails?.cursorPosition ?? 0) + 40)),
      evidence: { error: err.message ?? String(e) },
      rewrite: 'Fix the SQL so PostgreSQL can parse it (the position points at the token it rejected); the other checks skip this file until then.',
    });
    return 0;
  }
  const stmts = parsed.stmts ?? [];
  // Ranges in characters: [leading trivia start, first keyword, end].
  const ranges = stmts.map((s) => {
    const from = toChar(s.stmt_location ?? 0);
    const end = s.stmt_len ? toChar((s.stmt_location ?? 0) + s.stmt_len) : seg.text.length;
    return { from, start: skipTrivia(seg.text, from, end), end };
  });
  ranges.forEach((r, i) => {
    const stmt = stmts[i]!.stmt;
    if (!stmt) return;
    // Comments that belong to this statement: those above it (except a trailing comment on the
    // previous statement's last line), inside it, and on its own last line after the `;`.
    const prevEndLine = i > 0 ? seg.text.indexOf('\n', ranges[i - 1]!.end) : -1;
    const leadFrom = i === 0 ? 0 : prevEndLine < 0 || prevEndLine > r.start ? r.start : prevEndLine;
    const nl = seg.text.indexOf('\n', r.end);
    const trailTo = nl < 0 ? seg.text.length : nl;
    const ignore = ignoredRules(seg.text.slice(leadFrom, trailTo));
    const sql = seg.text.slice(r.start, r.end).trim();
    const pos = (byteLoc?: number) => lines.at(seg.offset + (byteLoc === undefined || byteLoc < 0 ? r.start : toChar(byteLoc)));
    const ctx: StatementCtx = {
      file: f.path,
      layout,
      sql,
      pos,
      report: ({ at, ...issue }) => push(sink, ignore, { ...issue, file: f.path, ...pos(at), statement: shortStatement(sql) } as MigrationIssue),
    };
    checkStatement(stmt, ctx, state, model);
  });
  return stmts.length;
}

export type { MigrationRuleId };
