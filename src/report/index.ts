/**
 * Reporters: one pure file per output format, each `(report, opts) -> string`.
 * Nothing else in launchready formats output (ARCHITECTURE.md "gather -> audit -> report").
 * The engine and CLI call `render(format, report, opts)`; `FORMATS`/`FORMAT_EXTENSIONS`
 * drive `--format` validation and `--out` file names.
 */
import type { FailOn, Report, RuleDef } from '../core/types.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTerminal } from './terminal.js';

export type Format = 'terminal' | 'json' | 'md' | 'html' | 'sarif' | 'junit';

export const FORMATS: readonly Format[] = ['terminal', 'json', 'md', 'html', 'sarif', 'junit'] as const;

export const FORMAT_EXTENSIONS: Record<Format, string> = {
  terminal: '.txt',
  json: '.json',
  md: '.md',
  html: '.html',
  sarif: '.sarif',
  junit: '.xml',
};

export interface RenderOptions {
  /** ANSI colours in terminal output (off for `--no-color`, pipes and files). */
  color: boolean;
  /** `--fail-on` threshold: JUnit marks findings at or above it as failures. */
  failOn: FailOn;
  /** The whole rule catalog, for SARIF rule descriptors and docs. */
  rules: RuleDef[];
}

/** True for a known format name (for CLI validation of `--format`). */
export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

export function render(format: Format, report: Report, opts: RenderOptions): string {
  switch (format) {
    case 'terminal':
      return renderTerminal(report, opts);
    case 'json':
      return renderJson(report);
    case 'md':
      return renderMarkdown(report, opts);
    case 'html':
      return renderHtml(report, opts);
    case 'sarif':
      return renderSarif(report, opts);
    case 'junit':
      return renderJunit(report, opts);
    default: {
      // Unreachable for typed callers; a JS caller with a bad string gets a clear error.
      const never: never = format;
      throw new Error(`unknown report format "${String(never)}" (expected one of ${FORMATS.join(', ')})`);
    }
  }
}

export { renderHtml, renderJson, renderJunit, renderMarkdown, renderSarif, renderTerminal };
