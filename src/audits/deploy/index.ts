import type { AuditFamily } from '../family.js';
import { rules } from './rules.js';
import smokeFailed from './smoke-failed.js';
import healthFailing from './health-failing.js';
import staleAssets from './stale-assets.js';
import noCiBuild from './no-ci-build.js';
import noRollbackPath from './no-rollback-path.js';

export const family: AuditFamily = { name: 'deploy', rules, audits: [smokeFailed, healthFailing, staleAssets, noCiBuild, noRollbackPath] };
