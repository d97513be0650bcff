/** docs/commands.md is generated from the command table; this fails when it drifts (run `npm run gen`). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCommandsDoc } from '../../src/cli/commands-doc.js';

describe('docs/commands.md', () => {
  it('matches the command table (npm run gen)', () => {
    const doc = renderCommandsDoc();
    for (const cmd of ['audit', 'handover', 'plan', 'accept', 'demo', 'perf', 'monitor']) expect(doc).toContain(`\n## ${cmd}\n`);
    expect(doc).toContain('`--pdf`');
    expect(readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8')).toBe(doc);
  });
});
