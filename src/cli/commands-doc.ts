/**
 * docs/commands.md, generated from the command table itself (commander's definitions), so the
 * reference can never drift from what the CLI accepts (`npm run gen`; a test checks it).
 */
import type { Command, Option } from 'commander';
import { buildProgram } from './main.js';
import type { CliContext } from './context.js';

const quietCtx: CliContext = {
  cwd: '.',
  env: {},
  stdout: { write: () => true, isTTY: false },
  stderr: { write: () => true, isTTY: false },
  signal: new AbortController().signal,
  now: () => 0,
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function optionRow(o: Option): string {
  const def = o.defaultValue !== undefined && o.defaultValue !== false && !o.negate ? ` (default: \`${Array.isArray(o.defaultValue) ? o.defaultValue.join(',') : String(o.defaultValue)}\`)` : '';
  const choices = o.argChoices ? `: ${o.argChoices.map((c) => `\`${c}\``).join(', ')}` : '';
  return `| \`${cell(o.flags)}\` | ${cell(o.description)}${choices}${def} |`;
}

const COMMON = new Set(['--config', '--format', '--out', '--fail-on', '--no-color', '--quiet', '--resolver', '--connect-to', '--ca', '--timeout']);

export function renderCommandsDoc(): string {
  const program: Command = buildProgram(quietCtx, () => undefined);
  const out: string[] = [
    '# Command reference',
    '',
    '<!-- Generated from src/cli/main.ts by `npm run gen`; do not edit by hand. -->',
    '',
    'Every command: `launchready <command> [arguments] [options]`. Exit codes: 0 nothing at or above `--fail-on`, 1 findings at or above it, 2 usage or config error, 3 internal error, 130 stopped with Ctrl-C. Config keys: [config.md](config.md). Rules: [rules.md](rules.md).',
    '',
    '## Options most commands take',
    '',
    'Commands that say so below also take these:',
    '',
    '| option | meaning |',
    '|---|---|',
  ];
  const audit = program.commands.find((c) => c.name() === 'audit')!;
  for (const o of audit.options.filter((x) => COMMON.has(x.long ?? ''))) out.push(optionRow(o));
  out.push('');
  for (const c of program.commands) {
    const args = c.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`)).join(' ');
    const hasCommon = COMMON.size > 0 && [...COMMON].every((f) => c.options.some((o) => o.long === f));
    out.push(`## ${c.name()}`, '', '```', `launchready ${c.name()}${args ? ` ${args}` : ''}`, '```', '', `${c.description().replace(/^./, (x) => x.toUpperCase())}.${hasCommon ? ' Takes the common options.' : ''}`, '');
    const own = c.options.filter((o) => !(hasCommon && COMMON.has(o.long ?? '')));
    if (own.length) {
      out.push('| option | meaning |', '|---|---|', ...own.map(optionRow), '');
    }
  }
  return out.join('\n');
}
