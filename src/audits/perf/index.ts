import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import budgets from './budgets.js';
import unboundedList from './unbounded-list.js';
import noCompression from './no-compression.js';
import uncachedRead from './uncached-read.js';

/**
 * Stage 4, backend performance. perf/n-plus-one and perf/too-many-queries are added by the
 * database family on top of the same engine; perf/blocking-side-effect is not built yet.
 */
export const family: AuditFamily = { name: 'perf', rules, audits: [budgets, unboundedList, noCompression, uncachedRead] };
