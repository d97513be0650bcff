import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import { appRoleOwnsSchema, superuserAppRole } from './privilege.js';
import { duplicateIndex, missingFkIndex, unusedIndex } from './indexes.js';
import { seqScanHotspot, slowStatement } from './statistics.js';
import { invalidIndex, lowCacheHit, sequenceExhaustion, xidWraparound } from './health.js';

export const family: AuditFamily = {
  name: 'db',
  rules,
  audits: [superuserAppRole, appRoleOwnsSchema, missingFkIndex, seqScanHotspot, slowStatement, unusedIndex, duplicateIndex, invalidIndex, sequenceExhaustion, xidWraparound, lowCacheHit],
};
