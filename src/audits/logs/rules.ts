/**
 * Rule records of the logs family. Stage 6 (monitoring: "logs free of secrets" in ARCHITECTURE.md's
 * stage table), severities as in CATALOG.md.
 */
import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'logs/secret-in-logs',
    stage: 1,
    severity: 'high',
    title: 'A log file contains a credential',
    why: 'Logs are shipped to log services, shared in tickets and kept for months: a credential in them is readable by far more people than the secret store.',
    remediation: 'Rotate the credential, then redact it at the source (logger redaction paths / serializers) and purge the affected log files.',
  },
  {
    id: 'logs/pii-in-logs',
    stage: 1,
    severity: 'medium',
    title: 'A log file contains personal data',
    why: 'Emails, phone numbers, card numbers and passwords in logs create privacy and PCI obligations for every system the logs reach.',
    remediation: 'Redact these fields in the logger (e.g. pino redact paths, log only user ids), never log request bodies of auth or payment routes, and purge old files.',
    severityNote: 'high when card numbers or clear-text passwords/authorization headers are present.',
  },
];
