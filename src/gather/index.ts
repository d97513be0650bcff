/** Every gatherer, one per artifact kind. Adding one: a file in src/gather/ and a line here. */
import type { Gatherer } from '../core/audit.js';
import targets from './targets.js';
import dns from './dns.js';
import edge from './edge.js';
import tls from './tls.js';
import email from './email.js';
import migrations from './migrations.js';
import database from './database.js';

export const GATHERERS: Gatherer[] = [targets, dns, edge, tls, email, migrations, database] as Gatherer[];
