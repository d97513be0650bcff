import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import certificate from './certificate.js';
import legacyProtocol from './legacy-protocol.js';

export const family: AuditFamily = { name: 'tls', rules, audits: [certificate, legacyProtocol] };
