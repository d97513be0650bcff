/**
 * Flow steps marked with a role (login, signup, password-reset, search) become probe endpoints,
 * with the flow's real test values replaced by marked throwaway ones. One Fastify API on loopback:
 * an unlimited login, and a search limited after 5 requests.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types.js';
import type { SecurityArtifact } from '../../src/probe/types.js';
import { endpointsFromFlows, placeholderFor } from '../../src/probe/flows.js';
import type { Flow } from '../../src/flow/types.js';
import { auditSecurity } from './helpers.js';

const REAL_EMAIL = 'qa-user@market.test';
const REAL_PASSWORD = 'Real-Test-Password-42';

let app: FastifyInstance;
let url: string;
const seen: { method: string; url: string; body: string }[] = [];
let report: Report;
let artifact: SecurityArtifact;

beforeAll(async () => {
  app = Fastify({ logger: false });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('preValidation', async (req) => {
    seen.push({ method: req.method, url: req.url, body: typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? '') });
  });
  app.post('/api/login', async (_req, reply) => reply.code(401).send({ error: 'invalid credentials' }));
  let searches = 0;
  app.get('/api/search', async (_req, reply) => (++searches > 5 ? reply.code(429).header('retry-after', '30').send({ error: 'slow down' }) : { results: [] }));
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  ({ report, artifact } = await auditSecurity({
    flows: [
      {
        name: 'auth',
        baseUrl: url,
        vars: { email: REAL_EMAIL, password: REAL_PASSWORD, term: 'lamp' },
        steps: [
          { name: 'login', role: 'login', url: '/api/login', json: { email: '{{email}}', password: '{{password}}' }, expect: ['status == 200'] },
          { name: 'find', role: 'search', url: '/api/search?q={{term}}' },
          { name: 'home', url: '/' },
        ],
      },
    ],
    security: { apis: [url], burst: 8, discoverAdmin: false },
  }));
}, 30_000);
afterAll(async () => {
  await app?.close();
});

describe('flow steps with a role as security endpoints', () => {
  it('bursts the login step and finds no limit, naming the flow step', () => {
    const f = report.findings.find((x) => x.id === 'security/no-rate-limit');
    expect(f).toMatchObject({ target: `${url}/api/login`, evidence: { role: 'login', method: 'POST', sent: 8, source: 'flow auth, step login' } });
  });

  it('bursts the search step (GET, query in the URL) and sees its limit', () => {
    const b = artifact.bursts.find((x) => x.role === 'search')!;
    expect(b).toMatchObject({ method: 'GET', limitedAt: 6, signal: 'status-429', source: 'flow auth, step find' });
    expect(report.findings.filter((x) => x.id === 'security/no-rate-limit').map((x) => x.target)).toEqual([`${url}/api/login`]);
  });

  it('never sends the flow\'s real credentials, only marked values', () => {
    const logins = seen.filter((r) => r.url === '/api/login');
    expect(logins.length).toBeGreaterThanOrEqual(8);
    expect(seen.some((r) => r.body.includes(REAL_PASSWORD) || r.body.includes(REAL_EMAIL) || r.url.includes('lamp'))).toBe(false);
    expect(logins.filter((r) => r.body.includes('launchready-probe'))).not.toHaveLength(0);
    expect(seen.filter((r) => r.url.startsWith('/api/search?q=launchready-probe'))).toHaveLength(6);
    // Steps without a probe role are not probed.
    expect(artifact.bursts.map((b) => b.role).sort()).toEqual(['login', 'search']);
  });
});

describe('endpointsFromFlows', () => {
  const flow = (steps: Flow['steps'], baseUrl?: string): Flow => ({ name: 'f', ...(baseUrl ? { baseUrl } : {}), steps });
  it.each([
    ['a JSON login', flow([{ name: 's', role: 'login', url: '/login', json: { user: { email: '{{email}}', pass: '{{password}}' }, remember: true } }], 'https://api.example.com'), { role: 'login', method: 'POST', url: 'https://api.example.com/login', body: '{"user":{"email":"{{email}}","pass":"{{password}}"},"remember":true}', contentType: 'application/json' }],
    ['a form signup with a unique address', flow([{ name: 's', role: 'signup', url: 'https://app.example.com/join', form: { mail: '{{unique.email}}', pw: '{{password}}' } }]), { role: 'signup', method: 'POST', body: 'mail={{email}}&pw={{password}}', contentType: 'application/x-www-form-urlencoded' }],
    ['a password reset mapped to the reset role (relative to the base path, as the flow engine resolves it)', flow([{ name: 's', role: 'password-reset', url: 'reset', json: { email: '{{email}}' } }], 'https://api.example.com/v1/'), { role: 'reset', url: 'https://api.example.com/v1/reset' }],
    ['a search with a template in the path', flow([{ name: 's', role: 'search', url: '/search/{{term}}' }], 'https://api.example.com'), { role: 'search', method: 'GET', url: 'https://api.example.com/search/{{query}}' }],
  ])('turns %s into an endpoint', (_n, f, want) => {
    const r = endpointsFromFlows([f], null);
    expect(r.unresolved).toEqual([]);
    expect(r.endpoints).toHaveLength(1);
    expect(r.endpoints[0]).toMatchObject(want);
  });
  it.each([
    ['a step without a probe role', flow([{ name: 's', role: 'create', url: '/listings', json: {} }], 'https://api.example.com')],
    ['a step without a role', flow([{ name: 's', url: '/login', json: {} }], 'https://api.example.com')],
  ])('ignores %s', (_n, f) => {
    expect(endpointsFromFlows([f], null)).toEqual({ endpoints: [], unresolved: [] });
  });
  it('reports a relative step URL without any base, and uses domains.canonical when given', () => {
    const f = flow([{ name: 'login', role: 'login', url: '/login' }]);
    expect(endpointsFromFlows([f], null)).toEqual({ endpoints: [], unresolved: ['flow f, step login'] });
    expect(endpointsFromFlows([f], 'https://www.example.com').endpoints[0]!.url).toBe('https://www.example.com/login');
  });
  it('maps variable names to probe placeholders', () => {
    expect(['email', 'username', 'unique.email', 'password', 'clientSecret', 'q', 'searchTerm', 'listingId'].map(placeholderFor)).toEqual(['email', 'email', 'email', 'password', 'password', 'query', 'query', 'n']);
  });
});
