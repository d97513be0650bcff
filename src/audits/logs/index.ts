import type { AuditFamily } from '../family.js';
import piiInLogs from './pii-in-logs.js';
import { rules } from './rules.js';
import secretInLogs from './secret-in-logs.js';

export const family: AuditFamily = { name: 'logs', rules, audits: [secretInLogs, piiInLogs] };
