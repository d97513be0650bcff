/**
 * The security family end to end against the demo marketplace on loopback: every rule fires on
 * the flawed app and stays quiet on the hardened one (prompt injection uses a small chat server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMarketplace, type Marketplace } from '../../src/demo/marketplace.js';
import { startHttpServer, type ServerHandle } from '../../src/harness/http-servers.js';
import { PROBE_HEADER } from '../../src/probe/request.js';
import type { Report } from '../../src/core/types.js';
import type { SecurityArtifact } from '../../src/probe/types.js';
import { auditSecurity, ids } from './helpers.js';

const CANARY = 'CANARY-5f2e9d1c';

/** A chat endpoint: the flawed one obeys whatever the user says; the hardened one never does. */
function chat(flawed: boolean) {
  return (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const msg = (JSON.parse(body || '{}') as { message?: string }).message ?? '';
      let answer = 'I can help you find listings.';
      if (flawed && /system prompt/.test(msg)) answer = `System: you are Market's assistant. Secret: ${CANARY}`;
      else if (flawed && /reply with exactly (\S+)/i.test(msg)) answer = /reply with exactly (\S+)/i.exec(msg)![1]!;
      else if (flawed && /append this image/.test(msg)) answer = 'Summary. ![s](https://launchready-probe.invalid/c?d=summary)';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ answer }));
    });
  };
}

interface Target {
  app: Marketplace;
  server: ServerHandle;
  chat: ServerHandle;
  report: Report;
  artifact: SecurityArtifact;
}

async function target(flawed: boolean): Promise<Target> {
  const app = await startMarketplace({ flawed, seedListings: 5, allowedOrigins: ['https://www.market.test'] });
  const server = await startHttpServer({ handler: app.handler });
  const chatServer = await startHttpServer({ host: '127.0.0.2', handler: chat(flawed) });
  const { report, artifact } = await auditSecurity({
    security: {
      apis: [server.url],
      endpoints: [
        { role: 'login', url: '/api/login' },
        { role: 'signup', url: '/api/signup' },
      ],
      admin: ['/admin'],
      allowedOrigins: ['https://www.market.test'],
      bodyLimitBytes: 64 * 1024,
      burst: 30,
      session: { url: '/api/login', body: '{"email":"seller@market.test","password":"demo-password"}' },
      ai: { enabled: true, endpoints: [{ url: `${chatServer.url}/api/assist` }], canary: CANARY },
    },
  });
  return { app, server, chat: chatServer, report, artifact };
}

let flawed: Target;
let fixed: Target;
beforeAll(async () => {
  [flawed, fixed] = await Promise.all([target(true), target(false)]);
}, 30_000);
afterAll(async () => {
  for (const t of [flawed, fixed]) {
    await t?.server.close();
    await t?.chat.close();
    await t?.app.close();
  }
});

const ALL = [
  'security/admin-unauthenticated',
  'security/cors-reflects-origin',
  'security/cors-wildcard-credentials',
  'security/insecure-cookie',
  'security/malformed-input-5xx',
  'security/no-rate-limit',
  'security/oversized-body-accepted',
  'security/prompt-injection',
  'security/stack-trace-exposed',
];

describe('security probes against the demo marketplace', () => {
  it('finds every flaw of the flawed app', () => {
    expect(flawed.report.errors ?? []).toEqual([]);
    expect(ids(flawed.report)).toEqual(ALL);
    const cors = flawed.report.findings.find((f) => f.id === 'security/cors-reflects-origin')!;
    expect(cors.severity).toBe('blocker');
    expect(cors.evidence.credentials).toBe(true);
    const burst = flawed.report.findings.filter((f) => f.id === 'security/no-rate-limit');
    expect(burst.map((f) => f.evidence.sent)).toEqual([30, 30]);
    const cookie = flawed.report.findings.find((f) => f.id === 'security/insecure-cookie')!;
    expect(cookie.evidence).toMatchObject({ cookie: 'session', missing: ['Secure', 'HttpOnly', 'SameSite'], suggestion: '__Host-session' });
    const admin = flawed.report.findings.filter((f) => f.id === 'security/admin-unauthenticated');
    expect(admin.map((f) => f.evidence.as).sort()).toEqual(['anonymous', 'user']);
  });

  it('stays quiet on the hardened app, with every rule checked', () => {
    expect(fixed.report.errors ?? []).toEqual([]);
    expect(fixed.report.findings).toEqual([]);
    // security.lockout is opt-in (it bursts a real account): the only rule left unchecked.
    expect(fixed.report.skipped).toEqual([{ id: 'security/no-account-lockout', reason: expect.stringMatching(/security\.lockout is not set/) }]);
    expect(fixed.report.passed).toContain('security/graphql-introspection');
    for (const id of ALL) expect(fixed.report.passed).toContain(id);
    expect(fixed.artifact.bursts.every((b) => b.limitedAt !== undefined && b.sent <= 30)).toBe(true);
  });

  it('marks every request and never stores secrets', () => {
    for (const t of [flawed, fixed]) {
      const seen = [...t.server.requests, ...t.chat.requests];
      expect(seen.length).toBeGreaterThan(40);
      expect(seen.every((r) => r.headers[PROBE_HEADER] === '1')).toBe(true);
      const text = JSON.stringify(t.artifact) + JSON.stringify(t.report);
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain('demo-password');
      expect(text).not.toMatch(/session=[A-Za-z0-9_-]{20}/);
    }
  });
});
