/**
 * Just enough lexing of JS/TS, Ruby and Python migration files to find calls, their argument lists
 * and string literals. Hand-written because a full parser per language (TypeScript compiler,
 * a Ruby and a Python parser) would be heavy dependencies for "find `pgm.sql(` and its string";
 * the limits are documented in docs/migrations.md (dynamic SQL is counted, not guessed).
 */

export type Lang = 'js' | 'rb' | 'py';

/** Index just past the string literal starting at `i` (quote char at text[i]). */
function skipString(text: string, i: number): number {
  const q = text[i]!;
  // Python triple-quoted strings.
  if ((q === '"' || q === "'") && text.startsWith(q.repeat(3), i)) {
    const end = text.indexOf(q.repeat(3), i + 3);
    return end < 0 ? text.length : end + 3;
  }
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === q) return j + 1;
    else if (c === '\n' && q !== '`') return j + 1; // unterminated: stop at the line end
  }
  return text.length;
}

/** Index just past a comment starting at `i`, or `i` when there is none. */
function skipComment(text: string, i: number, lang: Lang): number {
  const c = text[i];
  const lineComment = (lang === 'js' && c === '/' && text[i + 1] === '/') || (lang !== 'js' && c === '#');
  if (lineComment) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  }
  if (lang === 'js' && c === '/' && text[i + 1] === '*') {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? text.length : end + 2;
  }
  return i;
}

const OPEN: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

/** Index of the bracket closing the one at `open` (skipping strings and comments); -1 when unbalanced. */
export function matchBracket(text: string, open: number, lang: Lang): number {
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i) - 1;
      continue;
    }
    const after = skipComment(text, i, lang);
    if (after !== i) {
      i = after - 1;
      continue;
    }
    if (OPEN[c]) stack.push(OPEN[c]!);
    else if (c === ')' || c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (!stack.length) return i;
    }
  }
  return -1;
}

/** Top-level comma-separated arguments of the call whose `(` is at `open` (trimmed source text). */
export function callArgs(text: string, open: number, lang: Lang): string[] | null {
  const close = matchBracket(text, open, lang);
  if (close < 0) return null;
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < close; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i) - 1;
      continue;
    }
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start, close).trim();
  if (last) args.push(last);
  return args;
}

/** A string literal's content, when it is plain (no interpolation, no escapes, not concatenated). */
export function plainStringAt(text: string, i: number): { content: string; offset: number } | 'dynamic' | null {
  const q = text[i];
  if (q !== '"' && q !== "'" && q !== '`') return null;
  const end = skipString(text, i);
  const content = text.slice(i + 1, end - 1);
  const next = text.slice(end).match(/^\s*(\S)/)?.[1];
  if (content.includes('\\') || (q === '`' && content.includes('${')) || next === '+') return 'dynamic';
  return { content, offset: i + 1 };
}
