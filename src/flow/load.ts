/**
 * Flows from config (`flows`) and from TypeScript/JavaScript modules (`flowFiles`): a module's default
 * export is a flow or an array of flows (`export default defineFlows([...])`), validated by the same
 * schema as config flows, so a module gets the same errors naming the flow and step.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../core/errors.js';
import type { LaunchreadyConfig } from '../config/schema.js';
import { flowsSchema } from './schema.js';
import type { Flow } from './types.js';

/** Identity helper for flow modules. */
export function defineFlows(flows: Flow | Flow[]): Flow[] {
  return Array.isArray(flows) ? flows : [flows];
}

export async function loadFlowModule(file: string): Promise<Flow[]> {
  let mod: Record<string, unknown>;
  try {
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot load flows module: ${String((err as Error)?.message ?? err).split('\n')[0]}` }]);
  }
  let v = mod.default;
  if (v && typeof v === 'object' && 'default' in v && Object.keys(v).length === 1) v = (v as { default: unknown }).default;
  if (v === undefined) throw new ConfigError(file, [{ path: '', message: 'flows module has no default export (export default defineFlows([...]))' }]);
  const parsed = flowsSchema.safeParse(Array.isArray(v) ? v : [v]);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((i) => ({ path: i.path.filter((p) => typeof p !== 'symbol').join('.'), message: i.message })),
    );
  }
  return parsed.data as Flow[];
}

/** Every flow of the config: `flows` first, then each of `flowFiles` (relative to baseDir). Names must be unique. */
export async function loadFlows(config: LaunchreadyConfig, baseDir: string): Promise<Flow[]> {
  const out: Flow[] = [...((config.flows ?? []) as Flow[])];
  for (const f of config.flowFiles ?? []) {
    const file = path.resolve(baseDir, f);
    for (const flow of await loadFlowModule(file)) {
      if (out.some((x) => x.name === flow.name)) throw new ConfigError(file, [{ path: '', message: `flow name "${flow.name}" is already defined` }]);
      out.push(flow);
    }
  }
  return out;
}
