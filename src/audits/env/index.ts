import type { AuditFamily } from '../family.js';
import browserExposedSecret from './browser-exposed-secret.js';
import dotenvCommitted from './dotenv-committed.js';
import keyDrift from './key-drift.js';
import localhostInProduction from './localhost-in-production.js';
import missingValue from './missing-value.js';
import { rules } from './rules.js';
import sharedSecret from './shared-secret.js';
import stagingUsesProduction from './staging-uses-production.js';

export const family: AuditFamily = {
  name: 'env',
  rules,
  audits: [browserExposedSecret, missingValue, dotenvCommitted, sharedSecret, localhostInProduction, stagingUsesProduction, keyDrift],
};
