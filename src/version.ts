import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** Read from package.json so the report always names the version that produced it. */
const pkg = (() => {
  for (const p of ['../package.json', '../../package.json']) {
    try {
      return require(p) as { name: string; version: string };
    } catch {
      /* try the next layout (src/ vs dist/) */
    }
  }
  return { name: 'launchready', version: '0.0.0' };
})();
export const TOOL_NAME: string = pkg.name;
export const TOOL_VERSION: string = pkg.version;
