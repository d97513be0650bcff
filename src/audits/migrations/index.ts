import type { AuditFamily } from '../family.js';
import { MIGRATION_RULES } from '../../migrations/types.js';
import { rules } from './rules.js';
import { migrationAudit } from './lint-issues.js';

export const family: AuditFamily = { name: 'migrations', rules, audits: MIGRATION_RULES.map(migrationAudit) };
