import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import incidentOwner from './incident-owner.js';
import serviceOwner from './service-owner.js';
import incomplete from './incomplete.js';

export const family: AuditFamily = { name: 'handover', rules, audits: [incidentOwner, serviceOwner, incomplete] };
