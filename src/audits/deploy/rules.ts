import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'deploy/no-rollback-path',
    stage: 1,
    severity: 'high',
    title: 'No rollback steps are written down',
    why: 'When a release breaks signup or checkout, the team improvises a rollback under pressure; undocumented rollbacks take longest exactly when every minute counts.',
    remediation: 'List the rollback steps in config handover.rollback (or ROLLBACK.md): how to redeploy the previous release, how to revert or skip the last migration, who decides. Rehearse it once on staging.',
  },
  {
    id: 'deploy/smoke-failed',
    stage: 5,
    severity: 'blocker',
    title: 'A core flow fails after deploy',
    why: 'A release that deploys cleanly but breaks signup, login, listing creation or messaging loses every user who tries them; mismatched env vars, bad migrations and stale caches show up here first.',
    remediation: 'Fix the failing step shown in the evidence (expected vs got), or roll back now with the handover.rollback steps; run `launchready smoke` after every release in CI.',
  },
  {
    id: 'deploy/health-failing',
    stage: 5,
    severity: 'blocker',
    title: 'Health endpoint missing, failing or reporting a broken dependency',
    why: 'Load balancers, orchestrators and uptime monitors decide from the health endpoint; a failing or missing one means traffic is sent to broken instances, or healthy ones are killed.',
    remediation: 'Serve a fast health endpoint that returns 2xx only when the app and its critical dependencies (database, cache, mail) work, and fix the dependency it reports as failing.',
    severityNote: 'high when the endpoint only reports "warn" (degraded).',
  },
  {
    id: 'deploy/stale-assets',
    stage: 5,
    severity: 'blocker',
    title: 'The page references scripts or stylesheets that do not load',
    why: 'After a release, cached HTML that points at the previous build\'s hashed assets (or a CDN that lost them) leaves users with a blank or unstyled page.',
    remediation: 'Keep the previous release\'s assets deployed for a while (atomic deploys), serve HTML with a short cache lifetime (Cache-Control: no-cache), purge the CDN on release, and never answer a missing asset with the HTML fallback.',
    severityNote: 'high for the comparisons with the previous release recorded in history: its assets stopped loading within deploy.previousAssetsHours (default 24) of the release, or a new asset name serves the old release\'s bytes (stale CDN cache).',
  },
  {
    id: 'deploy/no-ci-build',
    stage: 5,
    severity: 'medium',
    title: 'No CI job installs and builds the app from a clean checkout',
    why: 'Without a clean build on every change, a missing dependency, a lockfile drift or a local-only file is discovered during the production deploy.',
    remediation: 'Add a CI workflow (GitHub Actions, GitLab CI, CircleCI, Bitbucket Pipelines or Buildkite) that runs a clean install (npm ci) and the build on every push; see docs/ci-examples.md.',
  },
];
