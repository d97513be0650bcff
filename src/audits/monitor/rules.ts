/** Rule records of the monitor family (stage 6). */
import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'monitor/no-uptime-checks',
    stage: 6,
    severity: 'high',
    title: 'Uptime checks do not cover homepage, API health and a core action',
    why: 'Without a check on each, customers find the outage first; a green homepage says nothing about a broken signup or checkout.',
    remediation: 'Add monitor.checks for the homepage (http /), the API health endpoint (http /healthz with a body condition) and one core action (a flow check, or an http POST with role: core-action).',
  },
  {
    id: 'monitor/single-channel',
    stage: 6,
    severity: 'medium',
    title: 'Alerts reach only one channel',
    why: 'One channel is one point of failure: a muted Slack channel or a full inbox and nobody hears about the outage.',
    remediation: 'Configure at least two channels of different types (email plus Slack, or a pager) under monitor.channels.',
  },
  {
    id: 'monitor/no-escalation',
    stage: 6,
    severity: 'medium',
    title: 'No escalation when the first alert is not acknowledged',
    why: 'An alert at 3 a.m. that nobody acknowledges must reach someone else; otherwise the outage lasts until morning.',
    remediation: 'Add monitor.escalation with a later step, e.g. `after: 10m` notify [pager, second-slack], and `repeat: 30m` until acknowledged.',
  },
  {
    id: 'monitor/no-slo',
    stage: 6,
    severity: 'low',
    title: 'No availability or latency objective',
    why: 'Without an objective there is no error budget, so nobody can say whether this week was acceptable or whether to slow down releases.',
    remediation: 'Add monitor.slos, e.g. `{ name: api, checks: [api-health], availability: 99.9, latency: { percentile: 95, below: 300ms }, window: 30d }`.',
  },
  {
    id: 'monitor/no-error-tracking',
    stage: 6,
    severity: 'medium',
    title: 'No error tracker is configured for the backend',
    why: 'Uptime checks say that something broke; stack traces with request context say what. Without them every incident starts with guessing.',
    remediation: 'Install a Sentry-compatible SDK (@sentry/node) or an OpenTelemetry exporter in the backend and set SENTRY_DSN or OTEL_EXPORTER_OTLP_ENDPOINT in its environment (or monitor.errorTracking).',
  },
  {
    id: 'monitor/channel-unreachable',
    stage: 6,
    severity: 'high',
    title: 'A test notification to an alert channel failed',
    why: 'An alert channel that cannot be reached fails silently on the day it is needed.',
    remediation: 'Fix the channel (webhook URL, token, SMTP credentials) and re-run `launchready monitor test-alert <channel>` until it arrives.',
  },
];
