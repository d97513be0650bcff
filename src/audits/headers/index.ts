import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import securityHeaders from './security-headers.js';

export const family: AuditFamily = { name: 'headers', rules, audits: [securityHeaders] };
