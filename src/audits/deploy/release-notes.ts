/**
 * Deploy notes (`launchready release-notes`): the model of one release and its Markdown rendering.
 * Not an audit: the command (src/cli/commands/release-notes.ts) collects the facts from git, the
 * migrations folder, the env files, config handover.rollback and the history DB; everything here is
 * pure, so the notes are golden-testable.
 *
 * Commits follow Conventional Commits when they do (`feat(api)!: ...`, a `BREAKING CHANGE:` footer);
 * the rest land in "Other changes". Env values never appear, only key names.
 */

export interface NoteCommit {
  sha: string;
  subject: string;
  body: string;
  author: string;
  date: string;
}

export interface ParsedCommit {
  type: string | null;
  scope: string | null;
  breaking: boolean;
  description: string;
  sha: string;
}

export interface EnvKeyChange {
  /** Env name (production, staging, example...). */
  env: string;
  file: string;
  added: string[];
  removed: string[];
  /** Why the file could not be compared with `from` (untracked .env files usually). */
  note?: string;
}

export interface EnvParityGap {
  env: string;
  file: string;
  /** Keys other environments define that this one lacks. */
  missing: { key: string; definedIn: string[] }[];
}

export interface NoteFinding {
  id: string;
  severity: string;
  title: string;
  target: string;
}

export interface ReleaseNotesInput {
  /** Release label: the tag at `to`, or `<ref> (<sha7>)`. */
  release: string;
  /** Tag the notes start after; null = from the first commit. */
  from: string | null;
  to: string;
  /** ISO date of the `to` commit. */
  date: string;
  commits: NoteCommit[];
  /** More commits than the cap were in the range. */
  commitsTruncated: boolean;
  migrations: { dir: string | null; added: string[]; changed: { file: string; status: 'modified' | 'deleted' }[] };
  env: { changes: EnvKeyChange[]; parity: EnvParityGap[] };
  rollback: string[];
  /** From the newest recorded audit (history), when there is one. */
  audit?: {
    runId: number;
    at: string;
    blockers: NoteFinding[];
    knownIssues: NoteFinding[];
    /** In the newest audit before `from`, gone since. Null when no audit predates `from`. */
    fixed: NoteFinding[] | null;
  };
}

const CC = /^(\w+)(?:\(([^)]*)\))?(!)?:\s+(.+)$/;

/** Parses a Conventional Commits header; non-conventional subjects get type null. */
export function parseCommit(c: NoteCommit): ParsedCommit {
  const m = CC.exec(c.subject.trim());
  const footerBreaking = /^BREAKING[ -]CHANGE:/m.test(c.body);
  if (!m) return { type: null, scope: null, breaking: footerBreaking, description: c.subject.trim(), sha: c.sha };
  return { type: m[1]!.toLowerCase(), scope: m[2] || null, breaking: !!m[3] || footerBreaking, description: m[4]!, sha: c.sha };
}

/** Section order and titles; types not listed go to "Other changes". */
const SECTIONS: [string, string[]][] = [
  ['Features', ['feat', 'feature']],
  ['Fixes', ['fix', 'bugfix', 'hotfix']],
  ['Performance', ['perf']],
  ['Security', ['security', 'sec']],
  ['Reverts', ['revert']],
  ['Refactoring', ['refactor']],
  ['Documentation', ['docs', 'doc']],
  ['Tests', ['test', 'tests']],
  ['Build and CI', ['build', 'ci']],
  ['Chores', ['chore', 'style', 'deps']],
];

/** Commits grouped for the notes: breaking changes first, then SECTIONS order, then other. */
export function groupCommits(commits: NoteCommit[]): { title: string; items: ParsedCommit[] }[] {
  const parsed = commits.map(parseCommit);
  const out: { title: string; items: ParsedCommit[] }[] = [];
  const breaking = parsed.filter((p) => p.breaking);
  if (breaking.length) out.push({ title: 'Breaking changes', items: breaking });
  const known = new Set(SECTIONS.flatMap(([, t]) => t));
  for (const [title, types] of SECTIONS) {
    const items = parsed.filter((p) => !p.breaking && p.type !== null && types.includes(p.type));
    if (items.length) out.push({ title, items });
  }
  const other = parsed.filter((p) => !p.breaking && (p.type === null || !known.has(p.type)));
  if (other.length) out.push({ title: 'Other changes', items: other });
  return out;
}

function commitLine(p: ParsedCommit): string {
  const unknownType = p.type !== null && !SECTIONS.some(([, t]) => t.includes(p.type!));
  // Unknown types keep their prefix (wip(ui): ...); known ones are the section title already.
  const prefix = unknownType ? `${p.type}${p.scope ? `(${p.scope})` : ''}: ` : p.scope ? `**${p.scope}:** ` : '';
  return `- ${prefix}${p.description} (${p.sha.slice(0, 7)})`;
}

function findingLine(f: NoteFinding): string {
  return `- **${f.severity}** ${f.title} — \`${f.id}\` on ${f.target}`;
}

/** The Markdown deploy note. */
export function renderReleaseNotes(n: ReleaseNotesInput): string {
  const out: string[] = [];
  out.push(`# Release ${n.release}`, '');
  out.push(`${n.date.slice(0, 10)} · ${n.commits.length}${n.commitsTruncated ? '+' : ''} commit${n.commits.length === 1 ? '' : 's'} since ${n.from ?? 'the first commit'} (\`${n.from ? `${n.from}..` : ''}${n.to}\`)`, '');

  if (n.audit && n.audit.blockers.length) {
    out.push('## Launch blockers', '', `From the audit of ${n.audit.at.slice(0, 16).replace('T', ' ')} (run ${n.audit.runId}); fix these before releasing.`, '');
    out.push(...n.audit.blockers.map(findingLine), '');
  }

  out.push('## Changes', '');
  const groups = groupCommits(n.commits);
  if (!groups.length) out.push('No commits in this range.', '');
  for (const g of groups) out.push(`### ${g.title}`, '', ...g.items.map(commitLine), '');
  if (n.commitsTruncated) out.push(`_Only the newest ${n.commits.length} commits are listed._`, '');

  out.push('## Database migrations', '');
  if (!n.migrations.dir) out.push('No migrations folder (database.migrations) found.', '');
  else if (!n.migrations.added.length && !n.migrations.changed.length) out.push(`None added in \`${n.migrations.dir}\`.`, '');
  else {
    if (n.migrations.added.length) out.push(`Run in this order (added in \`${n.migrations.dir}\`):`, '', ...n.migrations.added.map((f, i) => `${i + 1}. \`${f}\``), '');
    if (n.migrations.changed.length) {
      out.push('**Changed after they were released** (an applied migration is not re-run; write a new one instead):', '');
      out.push(...n.migrations.changed.map((c) => `- \`${c.file}\` ${c.status}`), '');
    }
  }

  out.push('## Environment variables', '');
  const changes = n.env.changes.filter((c) => c.added.length || c.removed.length || c.note);
  const gaps = n.env.parity.filter((p) => p.missing.length);
  if (!n.env.changes.length && !n.env.parity.length) out.push('No env files configured (env.files).', '');
  else if (!changes.length && !gaps.length) out.push('No keys added or removed, and every environment defines the same keys.', '');
  for (const c of changes) {
    const parts = [
      ...(c.added.length ? [`added ${c.added.map((k) => `\`${k}\``).join(', ')}`] : []),
      ...(c.removed.length ? [`removed ${c.removed.map((k) => `\`${k}\``).join(', ')}`] : []),
      ...(c.note ? [c.note] : []),
    ];
    out.push(`- ${c.env} (\`${c.file}\`): ${parts.join('; ')}`);
  }
  if (changes.length) out.push('');
  if (gaps.length) {
    out.push('Set these before deploying (defined in another environment, missing here):', '');
    for (const g of gaps) out.push(`- ${g.env} (\`${g.file}\`): ${g.missing.map((m) => `\`${m.key}\` (in ${m.definedIn.join(', ')})`).join(', ')}`);
    out.push('');
  }

  if (n.audit) {
    if (n.audit.fixed && n.audit.fixed.length) out.push(`## Fixed since ${n.from ?? 'the first commit'}`, '', ...n.audit.fixed.map(findingLine), '');
    out.push('## Known issues', '');
    out.push(...(n.audit.knownIssues.length ? n.audit.knownIssues.map(findingLine) : ['None open below blocker in the latest audit.']), '');
  }

  out.push('## Rollback', '');
  if (n.rollback.length) out.push(...n.rollback.map((s, i) => `${i + 1}. ${s}`), '');
  else out.push('No rollback steps are written down (config handover.rollback): see deploy/no-rollback-path.', '');
  return `${out.join('\n').trimEnd()}\n`;
}
