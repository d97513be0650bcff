/** Rule records of the env family (stage 1). */
import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'env/browser-exposed-secret',
    stage: 1,
    severity: 'blocker',
    title: 'A browser-exposed variable holds a secret',
    why: 'NEXT_PUBLIC_, VITE_, REACT_APP_, NUXT_PUBLIC_, EXPO_PUBLIC_ and PUBLIC_ variables are inlined into the JavaScript every visitor downloads.',
    remediation: 'Rotate the secret, rename the variable without the public prefix and use it only in server code (API route, server action, edge function).',
  },
  {
    id: 'env/missing-value',
    stage: 1,
    severity: 'blocker',
    title: 'A required variable is absent or empty',
    why: 'The app starts, then fails on the first request that needs the variable, usually in front of users.',
    remediation: 'Set the variable in this environment (or remove it from .env.example / env.required if it is no longer needed).',
  },
  {
    id: 'env/dotenv-committed',
    stage: 1,
    severity: 'high',
    title: 'A real .env file is tracked by git',
    why: 'Tracked .env files spread their values to every clone and CI job, and invite the next secret to be committed there too.',
    remediation: 'git rm --cached the file, add it to .gitignore, keep only a .env.example with placeholder values, and rotate any secret it held.',
    severityNote: 'medium when the file holds no secret-looking value.',
  },
  {
    id: 'env/shared-secret',
    stage: 1,
    severity: 'high',
    title: 'Staging and production share a secret',
    why: 'Staging is less protected than production; a shared secret lets a staging leak open production.',
    remediation: 'Issue a separate credential for each environment and rotate the production one.',
  },
  {
    id: 'env/localhost-in-production',
    stage: 1,
    severity: 'high',
    title: 'A production value points at localhost or a staging host',
    why: 'Production will talk to a machine that does not exist there, or to staging data.',
    remediation: 'Point the variable at the production service (or remove it and let the platform provide it).',
  },
  {
    id: 'env/staging-uses-production',
    stage: 5,
    severity: 'high',
    title: 'Staging uses the production database, cache or queue',
    why: 'Every test, migration rehearsal and smoke run on staging then reads and writes real customer data; one bad migration on "staging" is a production outage.',
    remediation: 'Give staging its own database, cache and queue (a copy or anonymised snapshot of production data if needed), and use credentials that cannot reach production.',
  },
  {
    id: 'env/key-drift',
    stage: 1,
    severity: 'medium',
    title: 'Environments define different keys',
    why: 'A key present in staging but missing in production is how "works on staging" launches break.',
    remediation: 'Define the same keys in every deployed environment, with per-environment values.',
  },
];
