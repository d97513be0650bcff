import type { AuditFamily } from '../family.js';
import bundleSecret from './bundle-secret.js';
import committedSecret from './committed-secret.js';
import historySecret from './history-secret.js';
import { rules } from './rules.js';

export const family: AuditFamily = { name: 'secrets', rules, audits: [committedSecret, historySecret, bundleSecret] };
