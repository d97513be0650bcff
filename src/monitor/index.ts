/** The monitor's public API (the CLI's `launchready monitor ...` commands call these). See docs/monitor.md. */
export { runMonitor, monitorCheckOnce, testAlert, ackIncident, ackByToken, listIncidents, openMonitorStore, monitorSection, Monitor, MonitorConfigError } from './monitor.js';
export type { MonitorOptions, RunMonitorOptions } from './monitor.js';
export { createDashboard, startDashboard, renderMetrics } from './dashboard.js';
export { parseCondition, evaluateCondition, validateConditions, ConditionError } from './conditions.js';
export { runCheck, DEFAULT_CONDITIONS, type FlowRunner } from './checks.js';
export { sendNotification, buildPayload, signWebhook, NotifyError } from './notifiers/index.js';
export { signAckToken, verifyAckToken, AckTokenError } from './ack.js';
export { IncidentNotFoundError } from './alerter.js';
export { evaluateSlo, type SloStatus } from './slo.js';
export { SqliteStore } from './sqlite.js';
export { PgStore, PgStoreError, isPostgresUrl } from './postgres.js';
export { PgLeader, leaderLockKey, type Leadership } from './leader.js';
export { renderUptimeBar, renderSparkline, bucketSeries } from './charts.js';
export type { MonitorStore } from './store.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { demoMonitorConfig } from './demo.js';
export type { CheckRun, Incident, AlertMessage } from './types.js';
export type { MonitorConfig, MonitorCheckConfig, ChannelConfig } from './config-schema.js';
