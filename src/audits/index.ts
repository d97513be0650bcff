/**
 * Every rule family. Adding a family: create src/audits/<name>/index.ts exporting `family`,
 * then add one line here. Order is presentation order only.
 */
import type { AuditFamily } from './family.js';
import { family as secrets } from './secrets/index.js';
import { family as env } from './env/index.js';
import { family as logs } from './logs/index.js';
import { family as dns } from './dns/index.js';
import { family as edge } from './edge/index.js';
import { family as tls } from './tls/index.js';
import { family as headers } from './headers/index.js';
import { family as email } from './email/index.js';
import { family as security } from './security/index.js';
import { family as db } from './db/index.js';
import { family as migrations } from './migrations/index.js';
import { family as deploy } from './deploy/index.js';
import { family as perf } from './perf/index.js';
import { family as monitor } from './monitor/index.js';
import { family as handover } from './handover/index.js';

export const FAMILIES: AuditFamily[] = [secrets, env, logs, dns, edge, tls, headers, email, security, db, perf, migrations, deploy, monitor, handover];
