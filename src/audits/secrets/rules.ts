/** Rule records of the secrets family (stage 1). Wording lives here; audits emit ids and evidence. */
import type { RuleDef } from '../../core/types.js';

export const rules: RuleDef[] = [
  {
    id: 'secrets/committed-secret',
    stage: 1,
    severity: 'blocker',
    title: 'A credential is committed in the working tree',
    why: 'Anyone with read access to the repository (every clone, fork, CI log and laptop) holds this credential and can act as your product with it.',
    remediation: "Rotate the credential at the provider first (the finding links the provider's rotation page), then remove it from the file and load it from the environment or a secret manager.",
    severityNote: 'high when the file is untracked (not yet committed); medium for test fixtures and test-mode keys.',
  },
  {
    id: 'secrets/history-secret',
    stage: 1,
    severity: 'blocker',
    title: 'A credential is in git history',
    why: 'Deleting a secret from the current files does not remove it from history: every clone of any branch still contains it.',
    remediation: "Rotate the credential at the provider (the finding links the rotation page); rewriting history (git filter-repo) only helps after rotation, since existing clones keep the old value.",
    severityNote: 'medium for test fixtures and test-mode keys.',
  },
  {
    id: 'secrets/bundle-secret',
    stage: 1,
    severity: 'blocker',
    title: 'A credential is in a built browser bundle',
    why: 'Everything in dist/, build/, .next/static, public JS and source maps is downloaded by every visitor: the credential is public.',
    remediation: "Rotate the credential at the provider (the finding links the rotation page), then move the call that needs it to the server; only publishable keys belong in browser code.",
    severityNote: 'medium for test-mode keys; referrer-restricted browser API keys (Google Maps/Firebase web keys) are not reported.',
  },
];
