/** Shared setup for the security tests: a registry with only the security family, and a runner. */
import { buildRegistry } from '../../src/engine/registry.js';
import { runAudit } from '../../src/engine/run.js';
import { configSchema, type LaunchreadyConfigInput } from '../../src/config/schema.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import { family } from '../../src/audits/security/index.js';
import { securityGatherer } from '../../src/gather/security.js';
import type { SecurityArtifact } from '../../src/probe/types.js';
import type { Report } from '../../src/core/types.js';

export async function auditSecurity(input: LaunchreadyConfigInput, opts: { active?: boolean } = {}): Promise<{ report: Report; artifact: SecurityArtifact }> {
  const net = createNet({ ...defaultNetOptions(), timeoutMs: 3000 });
  try {
    const { report, artifacts } = await runAudit({
      config: configSchema.parse(input),
      configPath: null,
      baseDir: process.cwd(),
      net,
      registry: buildRegistry([family], [securityGatherer(opts)]),
    });
    return { report, artifact: artifacts.security as SecurityArtifact };
  } finally {
    await net.close();
  }
}

export const ids = (r: Report) => [...new Set(r.findings.map((f) => f.id))].sort();
