/**
 * The monitor family (stage 6): coverage of uptime checks, alert routing and escalation, SLOs,
 * error tracking and channel reachability, all pure audits over the `monitor` artifact
 * (src/gather/monitor.ts). The monitor itself lives in src/monitor/.
 */
import type { AuditFamily } from '../family.js';
import channelUnreachable from './channel-unreachable.js';
import checksCoverage from './checks-coverage.js';
import errorTracking from './error-tracking.js';
import { rules } from './rules.js';
import routing from './routing.js';

export const family: AuditFamily = { name: 'monitor', rules, audits: [checksCoverage, routing, errorTracking, channelUnreachable] };
export type { MonitorArtifact, CheckRole } from './artifact.js';
