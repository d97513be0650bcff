/**
 * Every rule family. Adding a family: create src/audits/<name>/index.ts exporting `family`,
 * then add one line here. Order is presentation order only.
 */
import type { AuditFamily } from './family.js';
import { family as dns } from './dns/index.js';
import { family as edge } from './edge/index.js';
import { family as tls } from './tls/index.js';
import { family as email } from './email/index.js';
import { family as db } from './db/index.js';
import { family as migrations } from './migrations/index.js';

export const FAMILIES: AuditFamily[] = [dns, edge, tls, email, db, migrations];
