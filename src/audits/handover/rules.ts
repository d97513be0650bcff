import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'handover/no-incident-owner',
    stage: 7,
    severity: 'high',
    title: 'Nobody is named to handle incidents',
    why: 'When the site goes down at night after launch, alerts go to a channel but no one is on the hook to act; the first hour of an incident is lost deciding who should look.',
    remediation: 'Name the incident owner in config handover.incident.owner and list the escalation contacts in order (handover.incident.contacts); make sure the monitor\'s alert channels reach them.',
  },
  {
    id: 'handover/service-without-owner',
    stage: 7,
    severity: 'medium',
    title: 'A third-party service has no billing owner',
    why: 'A payment, email or hosting account whose card and login belong to nobody in particular is how a product goes dark: the card expires, the free tier runs out, or the only admin leaves.',
    remediation: 'List the service in handover.services with its purpose, its billing owner (the person whose card and account it is) and where its credentials live.',
    severityNote: 'Also fires for services recognised from env var names, package.json SDKs or email providers that handover.services does not list.',
  },
  {
    id: 'handover/incomplete',
    stage: 7,
    severity: 'medium',
    title: 'A section of the handover pack has no content',
    why: 'The next engineer or operator relies on the pack without guesswork; an empty section (where secrets live, how to deploy, which services exist) turns into a question nobody can answer once the person who knew has left.',
    remediation: 'Fill the section named in the target from the config key given in the evidence, or run the audit family that provides it; `launchready handover` lists every gap.',
    severityNote: 'Rollback gaps are reported as deploy/no-rollback-path and incident gaps as handover/no-incident-owner, not twice.',
  },
];
