import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'dns/unresolved',
    stage: 2,
    severity: 'blocker',
    title: 'Name does not resolve',
    why: 'Visitors and API clients get "server not found" for this name; links, emails and apps that use it break on launch day.',
    remediation: 'Publish an A/AAAA record (or a CNAME to a name that resolves) for this name at your DNS provider, or remove the name from config if it is not meant to be public.',
  },
  {
    id: 'dns/caa-missing',
    stage: 2,
    severity: 'low',
    title: 'No CAA record restricts certificate issuance',
    why: 'Without CAA any public certificate authority may issue certificates for the domain, which widens the room for mis-issuance.',
    remediation: 'Publish CAA records naming the CAs you use, e.g. `example.com. CAA 0 issue "letsencrypt.org"` plus an `iodef` contact.',
  },
];
