/** Every gatherer, one per artifact kind. Adding one: a file in src/gather/ and a line here. */
import type { Gatherer } from '../core/audit.js';
import targets from './targets.js';
import dns from './dns.js';
import edge from './edge.js';
import tls from './tls.js';

export const GATHERERS: Gatherer[] = [targets, dns, edge, tls] as Gatherer[];
