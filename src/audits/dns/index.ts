import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import unresolved from './unresolved.js';
import caa from './caa.js';

export const family: AuditFamily = { name: 'dns', rules, audits: [unresolved, caa] };
