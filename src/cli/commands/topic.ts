/** Gatherer replacements for single-topic commands. */
import { defineGatherer, type Gatherer } from '../../core/audit.js';
import { normalizeName } from '../../gather/targets.js';

/** `launchready tls host`: check exactly that name, not its apex and www. */
export function tlsOnlyTargets(host: string): Gatherer {
  const name = normalizeName(host);
  return defineGatherer({
    id: 'targets',
    title: `Target ${name}`,
    async gather() {
      return { apex: name, canonical: null, names: [{ name, role: 'apex' as const }], staging: [] };
    },
  }) as Gatherer;
}
