/**
 * Per-account lockout versus per-IP limit (security.lockout), end to end: one real Fastify login
 * API per variant on loopback, probed through the engine. The one-account burst names the
 * configured account; the rotating burst a fresh throwaway account per request.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types.js';
import type { SecurityArtifact } from '../../src/probe/types.js';
import { lockoutVerdict } from '../../src/audits/security/rate-limit.js';
import { auditSecurity } from './helpers.js';

type Variant = 'neither' | 'per-account' | 'per-ip' | 'both';
const ACCOUNT_LIMIT = 5; // failures before the account locks
const IP_LIMIT = 15; // requests per client before 429
const ATTEMPTS = 10;

/** A login that never succeeds, with the variant's limits. Counts every login request it sees. */
async function loginApi(variant: Variant): Promise<{ app: FastifyInstance; url: string; logins: () => number }> {
  const app = Fastify({ logger: false });
  const byAccount = new Map<string, number>();
  const byIp = new Map<string, number>();
  let logins = 0;
  app.post('/api/login', async (req, reply) => {
    logins++;
    const ip = req.ip;
    byIp.set(ip, (byIp.get(ip) ?? 0) + 1);
    if ((variant === 'per-ip' || variant === 'both') && byIp.get(ip)! > IP_LIMIT) {
      return reply.code(429).header('retry-after', '60').send({ error: 'too many requests' });
    }
    const email = String((req.body as { email?: unknown } | undefined)?.email ?? '');
    const failures = byAccount.get(email) ?? 0;
    if ((variant === 'per-account' || variant === 'both') && failures >= ACCOUNT_LIMIT) {
      return reply.code(423).send({ error: 'account locked' });
    }
    byAccount.set(email, failures + 1);
    return reply.code(401).send({ error: 'invalid email or password' });
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, logins: () => logins };
}

const results = new Map<Variant, { report: Report; artifact: SecurityArtifact; logins: number }>();
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  for (const v of ['neither', 'per-account', 'per-ip', 'both'] as const) {
    const api = await loginApi(v);
    apps.push(api.app);
    const { report, artifact } = await auditSecurity({
      security: { apis: [api.url], lockout: { url: '/api/login', account: 'qa-lockout@market.test', attempts: ATTEMPTS }, discoverAdmin: false },
    });
    results.set(v, { report, artifact, logins: api.logins() });
  }
}, 60_000);
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

const of = (v: Variant) => results.get(v)!;
const lockoutFindings = (v: Variant) => of(v).report.findings.filter((f) => f.id === 'security/no-rate-limit' || f.id === 'security/no-account-lockout');

describe('security.lockout against four login APIs', () => {
  it('fires security/no-rate-limit (high) when neither limit exists', () => {
    const f = lockoutFindings('neither');
    expect(f.map((x) => [x.id, x.severity])).toEqual([['security/no-rate-limit', 'high']]);
    expect(f[0]!.evidence).toMatchObject({ lockout: { limits: 'neither', perAccount: false, perIp: false, account: 'qa…@market.test', oneAccount: { sent: ATTEMPTS, statuses: { '401': ATTEMPTS } } } });
  });

  it('fires security/no-rate-limit (medium) for a per-account lockout without a per-IP limit', () => {
    const f = lockoutFindings('per-account');
    expect(f.map((x) => [x.id, x.severity])).toEqual([['security/no-rate-limit', 'medium']]);
    expect(f[0]!.evidence).toMatchObject({ lockout: { limits: 'per-account-only', oneAccount: { limitedAt: ACCOUNT_LIMIT + 1, signal: 'status-423' }, rotatingAccounts: { sent: ATTEMPTS } } });
  });

  it('notes security/no-account-lockout (info) for a per-IP limit only', () => {
    const f = lockoutFindings('per-ip');
    expect(f.map((x) => [x.id, x.severity])).toEqual([['security/no-account-lockout', 'info']]);
    expect(f[0]!.evidence).toMatchObject({ limits: 'per-ip-only', perAccount: false, perIp: true, rotatingAccounts: { limitedAt: IP_LIMIT - ATTEMPTS + 1, signal: 'status-429' } });
  });

  it('stays quiet when both limits exist, and reports the kind in the artifact', () => {
    expect(lockoutFindings('both')).toEqual([]);
    expect(of('both').report.passed).toEqual(expect.arrayContaining(['security/no-rate-limit', 'security/no-account-lockout']));
    expect(lockoutVerdict(of('both').artifact.lockout!)).toEqual({ kind: 'both', perAccount: true, perIp: true });
  });

  it('sends at most two bursts of `attempts` requests, one account first', () => {
    for (const v of ['neither', 'per-account', 'per-ip', 'both'] as const) {
      expect(of(v).logins, v).toBeLessThanOrEqual(2 * ATTEMPTS);
      expect(of(v).logins, v).toBe(of(v).artifact.lockout!.oneAccount.sent + of(v).artifact.lockout!.rotating.sent);
    }
    expect(of('neither').logins).toBe(2 * ATTEMPTS);
  });
});

describe('security.lockout safety', () => {
  it('sends nothing in a dry run and lists both bursts it would send', async () => {
    const api = await loginApi('neither');
    apps.push(api.app);
    const { report, artifact } = await auditSecurity({
      security: { apis: [api.url], lockout: { url: '/api/login', account: 'qa-lockout@market.test', attempts: 7 }, discoverAdmin: false, dryRun: true },
    });
    expect(api.logins()).toBe(0);
    const s = artifact.skipped.find((x) => x.probe === 'lockout')!;
    expect(s.requests.map((r) => [r.method, r.url, r.count])).toEqual([
      ['POST', `${api.url}/api/login`, 7],
      ['POST', `${api.url}/api/login`, 7],
    ]);
    expect(s.requests[0]!.bodyPreview).toContain('qa-lockout@market.test');
    expect(s.requests[1]!.bodyPreview).toContain('launchready-probe+acct-1@example.invalid');
    expect(report.skipped).toContainEqual({ id: 'security/no-account-lockout', reason: expect.stringMatching(/dry run.*would send POST .*×7/) });
  });

  it('is skipped with the reason when no login endpoint is known', async () => {
    const api = await loginApi('neither');
    apps.push(api.app);
    const { report } = await auditSecurity({ security: { apis: [api.url], lockout: { account: 'qa-lockout@market.test' }, discoverAdmin: false } });
    expect(api.logins()).toBe(0);
    expect(report.skipped).toContainEqual({ id: 'security/no-account-lockout', reason: expect.stringMatching(/needs a login endpoint/) });
  });
});
