/**
 * What each rule family exports from `src/audits/<family>/index.ts`.
 * The registry (src/audits/index.ts) collects families; the catalog test checks every rule
 * is documented, unique, and emitted by some audit.
 */
import type { Audit } from '../core/audit.js';
import type { RuleDef } from '../core/types.js';

export interface AuditFamily {
  /** Family name = id prefix (`edge`, `tls`, `secrets`...). Several prefixes may share a folder. */
  name: string;
  rules: RuleDef[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  audits: Audit<any>[];
}
