import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import httpRedirect from './http-redirect.js';
import hsts from './hsts.js';

export const family: AuditFamily = { name: 'edge', rules, audits: [httpRedirect, hsts] };
