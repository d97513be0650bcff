import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import budgets from './budgets.js';
import unboundedList from './unbounded-list.js';
import noCompression from './no-compression.js';
import uncachedRead from './uncached-read.js';
import nPlusOne from './n-plus-one.js';
import tooManyQueries from './too-many-queries.js';
import blockingSideEffect from './blocking-side-effect.js';

/**
 * Stage 4, backend performance. perf/n-plus-one and perf/too-many-queries are added by the
 * database family on top of the same engine.
 */
export const family: AuditFamily = { name: 'perf', rules, audits: [budgets, unboundedList, noCompression, uncachedRead, nPlusOne, tooManyQueries, blockingSideEffect] };
