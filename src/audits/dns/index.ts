import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import unresolved from './unresolved.js';
import caa from './caa.js';
import danglingCname from './dangling-cname.js';
import pointsToStaging from './points-to-staging.js';
import domainExpiring from './domain-expiring.js';

export const family: AuditFamily = { name: 'dns', rules, audits: [unresolved, caa, danglingCname, pointsToStaging, domainExpiring] };
