/**
 * Golden files: every format rendered from the two fixed reports must match test/golden/
 * byte for byte. When a change to the output is intended, regenerate them on purpose with
 *
 *     UPDATE_GOLDEN=1 npx vitest run test/report
 *
 * and review the diff (never edit golden files by hand).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FORMATS, FORMAT_EXTENSIONS, render, type Format, type RenderOptions } from '../../src/report/index.js';
import { emptyReport, sampleReport, sampleRules } from '../helpers/sample-report.js';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const opts: RenderOptions = { color: false, failOn: 'high', rules: sampleRules() };

/** report.txt, report.md, report.html, report.sarif, report.junit.xml (JSON is the report itself). */
function goldenName(base: string, format: Format): string {
  return format === 'junit' ? `${base}.junit.xml` : `${base}${FORMAT_EXTENSIONS[format]}`;
}

const cases = (['report', 'empty'] as const).flatMap((base) =>
  FORMATS.filter((f) => f !== 'json').map((format) => ({ base, format, file: goldenName(base, format) })),
);

describe('golden output', () => {
  it.each(cases)('$file matches', ({ base, format, file }) => {
    const report = base === 'report' ? sampleReport() : emptyReport();
    const actual = render(format, report, opts);
    const path = join(GOLDEN_DIR, file);
    if (UPDATE || !existsSync(path)) {
      if (!UPDATE) throw new Error(`missing golden file ${path}; run UPDATE_GOLDEN=1 npx vitest run test/report`);
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(path, actual);
    }
    expect(actual).toBe(readFileSync(path, 'utf8'));
  });

  it('renders the same text twice (no clock, no randomness)', () => {
    for (const format of FORMATS) {
      expect(render(format, sampleReport(), opts)).toBe(render(format, sampleReport(), opts));
    }
  });
});

describe('json', () => {
  it.each([
    ['sample', sampleReport()],
    ['empty', emptyReport()],
  ])('round-trips the %s report unchanged', (_name, report) => {
    const out = render('json', report, opts);
    expect(out.endsWith('}\n')).toBe(true);
    expect(JSON.parse(out)).toEqual(report);
    expect(out).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });
});

describe('render()', () => {
  it('has one extension per format', () => {
    expect(Object.keys(FORMAT_EXTENSIONS).sort()).toEqual([...FORMATS].sort());
  });

  it('rejects an unknown format with the list of known ones', () => {
    expect(() => render('pdf' as Format, sampleReport(), opts)).toThrow(/unknown report format "pdf".*terminal, json/);
  });
});
