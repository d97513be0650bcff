/** Regenerates the files derived from code: docs/rules.md, docs/commands.md, schema/launchready.schema.json, docs/config.md. */
import { writeFileSync } from 'node:fs';
import { FAMILIES } from '../src/audits/index.js';
import { renderRulesDoc } from '../src/engine/rules-doc.js';
import { genSchema } from './gen-schema.js';
import { renderCommandsDoc } from '../src/cli/commands-doc.js';

writeFileSync(new URL('../docs/rules.md', import.meta.url), renderRulesDoc(FAMILIES));
console.log('wrote docs/rules.md');
writeFileSync(new URL('../docs/commands.md', import.meta.url), renderCommandsDoc());
console.log('wrote docs/commands.md');
const written = await genSchema(false);
console.log(written.length ? `wrote ${written.join(', ')}` : 'schema and config docs up to date');
