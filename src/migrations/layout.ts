/**
 * Layout detection: which migration tool wrote a file, where its "up" SQL is, and whether it has
 * a usable down/rollback counterpart. Pure: works on paths and texts only.
 */
import type { MigrationLayout, Reversibility } from './types.js';
import { skipTrivia, type Segment } from './source.js';
import { callArgs, matchBracket, plainStringAt } from './text-scan.js';

export interface Classified {
  layout: MigrationLayout;
  role: 'up' | 'down' | 'repeatable';
  /** SQL to lint (the up part), with offsets into the file. */
  segments: Segment[];
  /** Range of the file holding the up code, for builder (non-SQL) checks. */
  upRange: [number, number];
  reversible: Reversibility;
  irreversibleReason?: string;
  unlintedSnippets: number;
}

const base = (p: string) => p.split('/').pop()!;
const dir = (p: string) => p.split('/').slice(0, -1).join('/');
const blankSql = (t: string) => skipTrivia(t, 0) >= t.length;

/** Is this path a migration file we understand at all? (The gatherer filters with it.) */
export function isCandidate(path: string): boolean {
  const b = base(path);
  if (/\.sql$/i.test(b)) return true;
  if (/\.(c|m)?[jt]s$/.test(b) && !b.endsWith('.d.ts') && !/\.(test|spec)\./.test(b)) return true;
  if (/\.rb$/.test(b)) return /(^|\/)db\/migrate\//.test(path) || /^\d+_/.test(b);
  if (/\.py$/.test(b)) return /(^|\/)migrations\//.test(path) && b !== '__init__.py';
  return false;
}

/**
 * Classifies one file. `texts` holds every file of the run (counterparts are looked up there).
 * Returns null for files that are not migrations (a JS helper without `up`, a Python module
 * without a Migration class).
 */
export function classify(path: string, text: string, texts: Map<string, string>): Classified | null {
  const b = base(path);
  const whole: [number, number] = [0, text.length];
  const n = (layout: MigrationLayout, extra: Partial<Classified> = {}): Classified => ({
    layout,
    role: 'up',
    segments: [{ text, offset: 0 }],
    upRange: whole,
    reversible: 'not-applicable',
    unlintedSnippets: 0,
    ...extra,
  });
  const counterpart = (p: string) => {
    const t = texts.get(p);
    if (t === undefined) return { reversible: 'irreversible' as const, irreversibleReason: `no down file ${base(p)}` };
    if (blankSql(t)) return { reversible: 'irreversible' as const, irreversibleReason: `down file ${base(p)} is empty` };
    return { reversible: 'reversible' as const };
  };

  if (/\.sql$/i.test(b)) {
    if (/\.down\.sql$/i.test(b)) return n('paired-sql', { role: 'down', segments: [] });
    if (/\.up\.sql$/i.test(b)) return n('paired-sql', counterpart(path.replace(/\.up\.sql$/i, '.down.sql')));
    if (/^down\.sql$/i.test(b)) return n('paired-sql', { role: 'down', segments: [] });
    if (/^up\.sql$/i.test(b)) return n('paired-sql', counterpart(`${dir(path)}/down.sql`));
    if (/(^|\/)migrations\/[^/]+\/migration\.sql$/.test(path)) return n('prisma');
    const fw = b.match(/^([VUR])([\d._]*)__/);
    if (fw) {
      if (fw[1] === 'U') return n('flyway', { role: 'down', segments: [] });
      if (fw[1] === 'R') return n('flyway', { role: 'repeatable' });
      // Flyway undo (U files) is an optional paid feature: only teams that use it somewhere are held to it.
      const usesUndo = [...texts.keys()].some((p) => /^U[\d._]*__/.test(base(p)));
      if (!usesUndo) return n('flyway');
      const undo = [...texts.keys()].find((p) => base(p).startsWith(`U${fw[2]}__`));
      return n('flyway', undo ? counterpart(undo) : { reversible: 'irreversible', irreversibleReason: `no undo file U${fw[2]}__*.sql` });
    }
    const sections = sectioned(text, /^--\s*migrate:up\b.*$/m, /^--\s*migrate:down\b.*$/m) ?? sectioned(text, /^--\s*\+goose\s+up\b.*$/im, /^--\s*\+goose\s+down\b.*$/im);
    if (sections) {
      const layout: MigrationLayout = /migrate:up/.test(text) ? 'dbmate' : 'goose';
      return n(layout, {
        segments: [sections.up],
        upRange: [sections.up.offset, sections.up.offset + sections.up.text.length],
        ...(sections.down === null
          ? { reversible: 'irreversible', irreversibleReason: 'no down section' }
          : blankSql(sections.down)
            ? { reversible: 'irreversible', irreversibleReason: 'down section is empty' }
            : { reversible: 'reversible' }),
      });
    }
    return n('sql');
  }
  if (/\.(c|m)?[jt]s$/.test(b)) return classifyJs(text);
  if (/\.rb$/.test(b)) return classifyRails(text);
  if (/\.py$/.test(b)) return classifyDjango(text);
  return null;
}

/** Splits a one-file up/down migration (dbmate, goose) into its up segment and down text. */
function sectioned(text: string, upRe: RegExp, downRe: RegExp): { up: Segment; down: string | null } | null {
  const up = upRe.exec(text);
  if (!up) return null;
  const upStart = up.index + up[0].length;
  const down = downRe.exec(text);
  if (down && down.index > up.index) return { up: { text: text.slice(upStart, down.index), offset: upStart }, down: text.slice(down.index + down[0].length) };
  if (down) return { up: { text: text.slice(upStart), offset: upStart }, down: text.slice(down.index + down[0].length, up.index) };
  return { up: { text: text.slice(upStart), offset: upStart }, down: null };
}

const JS_UP = /\bexports\.up\s*=|export\s+(async\s+)?function\s+up\b|export\s+const\s+up\s*=|(?:^|[\s{,])(?:async\s+)?up\s*\(|(?:^|[\s{,])up\s*:/m;
const JS_DOWN = /\bexports\.down\s*=|export\s+(async\s+)?function\s+down\b|export\s+const\s+down\s*=|(?:^|[\s{,])(?:async\s+)?down\s*\(|(?:^|[\s{,])down\s*:/m;
/** Calls whose first argument is raw SQL, per tool. */
const JS_SQL_CALL = /\b(?:pgm\.sql|pgm\.db\.query|(?:knex|trx|db)(?:\.schema)?\.raw|queryRunner\.query)\s*\(\s*/g;

function classifyJs(text: string): Classified | null {
  const up = JS_UP.exec(text);
  if (!up) return null;
  const layout: MigrationLayout = /\bpgm\./.test(text)
    ? 'node-pg-migrate'
    : /\bqueryRunner\b|MigrationInterface/.test(text)
      ? 'typeorm'
      : /\bknex\b/.test(text)
        ? 'knex'
        : 'js';
  const downM = JS_DOWN.exec(text);
  let upRange: [number, number] = [0, text.length];
  let rev: Pick<Classified, 'reversible' | 'irreversibleReason'>;
  if (!downM) {
    // node-pg-migrate infers the down of builder calls itself, but not of raw SQL.
    rev =
      layout === 'node-pg-migrate' && !/\bpgm\.(sql|db|func)\b/.test(text)
        ? { reversible: 'reversible' }
        : { reversible: 'irreversible', irreversibleReason: layout === 'node-pg-migrate' ? 'no down export and up uses raw SQL node-pg-migrate cannot reverse' : 'no down export' };
  } else {
    const after = text.slice(downM.index + downM[0].length);
    if (/^\s*(false|null|undefined)\b/.test(after)) rev = { reversible: 'irreversible', irreversibleReason: 'down is explicitly disabled' };
    else {
      const open = text.indexOf('{', downM.index + downM[0].length);
      const close = open < 0 ? -1 : matchBracket(text, open, 'js');
      const body = close < 0 ? '' : text.slice(open + 1, close);
      const meaningful = body.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/return\s+Promise\.resolve\(\)\s*;?|return\s*;?/g, '').trim();
      if (close >= 0 && !meaningful) rev = { reversible: 'irreversible', irreversibleReason: 'down is empty' };
      else if (/^\s*throw\b/.test(meaningful)) rev = { reversible: 'irreversible', irreversibleReason: 'down throws' };
      else rev = { reversible: 'reversible' };
      // The down code is not linted: dropping what up created is its job.
      if (downM.index > up.index) upRange = [0, downM.index];
      else if (close > 0) upRange = [close + 1, text.length];
    }
  }
  const segments: Segment[] = [];
  let unlinted = 0;
  JS_SQL_CALL.lastIndex = 0;
  for (const m of text.matchAll(JS_SQL_CALL)) {
    const at = m.index + m[0].length;
    if (at < upRange[0] || at > upRange[1]) continue;
    const lit = plainStringAt(text, at);
    if (lit === null || lit === 'dynamic') unlinted++;
    else segments.push({ text: lit.content, offset: lit.offset });
  }
  return { layout, role: 'up', segments, upRange, unlintedSnippets: unlinted, ...rev };
}

function classifyRails(text: string): Classified | null {
  if (!/class\s+\w+\s*<\s*ActiveRecord::Migration/.test(text)) return null;
  const hasUp = /^\s*def\s+up\b/m.exec(text);
  const hasDown = /^\s*def\s+down\b/m.exec(text);
  const change = /^\s*def\s+change\b/m.exec(text);
  let rev: Pick<Classified, 'reversible' | 'irreversibleReason'> = { reversible: 'reversible' };
  if (/raise\s+ActiveRecord::IrreversibleMigration/.test(text)) rev = { reversible: 'irreversible', irreversibleReason: 'raises ActiveRecord::IrreversibleMigration' };
  else if (hasUp && !hasDown) rev = { reversible: 'irreversible', irreversibleReason: 'def up without def down' };
  else if (change && !hasDown) {
    // Commands `change` cannot invert (Rails raises IrreversibleMigration on rollback).
    const reason =
      /^\s*execute\b/m.test(text) && !/\breversible\s+do\b|\bup_only\b/.test(text)
        ? 'execute in change without a reversible block'
        : /^\s*remove_column\s+:?\w+,\s*:?\w+\s*$/m.test(text)
          ? 'remove_column without a type'
          : /^\s*change_column\s/m.test(text)
            ? 'change_column in change'
            : /^\s*drop_table\s+:?\w+\s*$/m.test(text)
              ? 'drop_table without a block'
              : null;
    if (reason) rev = { reversible: 'irreversible', irreversibleReason: reason };
  }
  const upRange: [number, number] = hasDown && (hasUp ?? change) && hasDown.index > (hasUp ?? change)!.index ? [0, hasDown.index] : [0, text.length];
  return { layout: 'rails', role: 'up', segments: [], upRange, unlintedSnippets: 0, ...rev };
}

function classifyDjango(text: string): Classified | null {
  if (!/class\s+Migration\s*\(/.test(text)) return null;
  let rev: Pick<Classified, 'reversible' | 'irreversibleReason'> = { reversible: 'reversible' };
  for (const m of text.matchAll(/\b(RunSQL|RunPython)\s*\(/g)) {
    const args = callArgs(text, m.index + m[0].length - 1, 'py') ?? [];
    const positional = args.filter((a) => !/^\w+\s*=/.test(a));
    const reverseKw = m[1] === 'RunSQL' ? 'reverse_sql' : 'reverse_code';
    if (positional.length < 2 && !args.some((a) => a.startsWith(reverseKw))) {
      rev = { reversible: 'irreversible', irreversibleReason: `${m[1]} without ${reverseKw}` };
      break;
    }
  }
  return { layout: 'django', role: 'up', segments: [], upRange: [0, text.length], unlintedSnippets: 0, ...rev };
}
