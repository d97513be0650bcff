/** Every gatherer, one per artifact kind. Adding one: a file in src/gather/ and a line here. */
import type { Gatherer } from '../core/audit.js';
import targets from './targets.js';
import secrets from './secrets.js';
import envFiles from './envfiles.js';
import logs from './logs.js';
import dns, { zoneGatherer } from './dns.js';
import rdap from './rdap.js';
import edge from './edge.js';
import tls from './tls.js';
import pages from './pages.js';
import email from './email.js';
import security from './security.js';
import migrations from './migrations.js';
import database from './database.js';
import smoke from './smoke.js';
import health from './health.js';
import assets from './assets.js';
import ci from './ci.js';
import rollback from './rollback.js';
import perf from './perf.js';
import routeProbes from './lists.js';
import monitor from './monitor.js';
import handover from './handover.js';
import queryProfile from './query-profile.js';

export const GATHERERS: Gatherer[] = [targets, secrets, envFiles, logs, dns, zoneGatherer, rdap, edge, tls, pages, email, security, migrations, database, smoke, health, assets, ci, rollback, perf, queryProfile, routeProbes, monitor, handover] as Gatherer[];
