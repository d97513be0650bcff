import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import httpRedirect from './http-redirect.js';
import hsts from './hsts.js';
import canonical from './canonical.js';
import mixedContent from './mixed-content.js';
import edgeProtection from './edge-protection.js';
import caching from './caching.js';

export const family: AuditFamily = { name: 'edge', rules, audits: [httpRedirect, hsts, canonical, mixedContent, edgeProtection, caching] };
