/**
 * The demo topology drives the security family through its config (DNS, CA, connect-to on
 * loopback): the flawed demo shows the planted security flaws, the fixed one none.
 */
import { describe, expect, it } from 'vitest';
import { startDemo } from '../../src/demo/index.js';
import { configSchema } from '../../src/config/schema.js';
import { toNetOptions } from '../../src/config/net-options.js';
import { createNet } from '../../src/net/index.js';
import { runAudit } from '../../src/engine/run.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { family } from '../../src/audits/security/index.js';
import { securityGatherer } from '../../src/gather/security.js';

async function auditDemo(flawed: boolean) {
  const demo = await startDemo({ flawed });
  try {
    const config = configSchema.parse(demo.config);
    const net = createNet(await toNetOptions(config, process.cwd()));
    try {
      const { report } = await runAudit({ config, configPath: null, baseDir: process.cwd(), net, registry: buildRegistry([family], [securityGatherer()]) });
      return report;
    } finally {
      await net.close();
    }
  } finally {
    await demo.stop();
  }
}

describe('security on the demo', () => {
  it('finds the planted flaws, and none once fixed', async () => {
    const [flawed, fixed] = await Promise.all([auditDemo(true), auditDemo(false)]);
    const found = flawed.findings.map((f) => `${f.id} ${f.target}`);
    for (const want of [
      'security/cors-reflects-origin https://www.market.test',
      'security/no-rate-limit https://www.market.test/api/login',
      'security/no-rate-limit https://www.market.test/api/signup',
      'security/admin-unauthenticated https://www.market.test/admin',
      'security/oversized-body-accepted https://www.market.test/api/login',
      'security/insecure-cookie https://www.market.test cookie session',
      'security/stack-trace-exposed https://www.market.test/api/login',
      'security/malformed-input-5xx https://www.market.test/api/login',
    ]) expect(found).toContain(want);
    expect(fixed.findings).toEqual([]);
    // 8 rules of the demo's flaws, plus graphql-introspection (tried at /graphql, not GraphQL).
    expect(fixed.passed.filter((id) => id.startsWith('security/'))).toHaveLength(9);
  }, 30_000);
});
