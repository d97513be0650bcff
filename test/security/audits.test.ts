/** Every security rule, pure: a `fires` and a `staysQuiet` table each, built from small artifacts. */
import { describe, expect, it } from 'vitest';
import { family } from '../../src/audits/security/index.js';
import { configSchema } from '../../src/config/schema.js';
import type { SecurityArtifact } from '../../src/probe/types.js';
import { findLeak } from '../../src/probe/signatures.js';
import { isSessionLike, parseSetCookie } from '../../src/probe/cookies.js';
import { originAllowed, probeOrigins } from '../../src/probe/cors.js';
import { limitSignal } from '../../src/probe/ratelimit.js';
import { adminProbe, aiProbe, burst, cookie, corsProbe, graphqlProbe, lockoutProbe, payload, px, secArtifact } from './builders.js';
import { lockoutVerdict } from '../../src/audits/security/rate-limit.js';
import { isGraphqlAnswer, summarizeSchema, graphqlCandidates } from '../../src/probe/graphql.js';

const ctx = { config: configSchema.parse({}), now: 0 };
function run(a: SecurityArtifact) {
  return family.audits.flatMap((au) => au.audit({ security: a }, ctx).findings);
}
const rulesOf = (a: SecurityArtifact) => [...new Set(run(a).map((f) => f.rule))].sort();

describe('security/cors-reflects-origin and security/cors-wildcard-credentials', () => {
  it.each([
    ['a foreign origin reflected with credentials', corsProbe('https://launchready-probe.evil.test', { 'access-control-allow-origin': 'https://launchready-probe.evil.test', 'access-control-allow-credentials': 'true' }), 'security/cors-reflects-origin'],
    ['a look-alike reflected without credentials', corsProbe('https://example.com.evil.test', { 'access-control-allow-origin': 'https://example.com.evil.test' }, { kind: 'lookalike-suffix' }), 'security/cors-reflects-origin'],
    ['an unknown subdomain reflected', corsProbe('https://launchready-probe.example.com', { 'access-control-allow-origin': 'https://launchready-probe.example.com' }, { kind: 'subdomain' }), 'security/cors-reflects-origin'],
    ['* with credentials', corsProbe('https://launchready-probe.evil.test', { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true' }), 'security/cors-wildcard-credentials'],
    ['null allowed with credentials', corsProbe('null', { 'access-control-allow-origin': 'null', 'access-control-allow-credentials': 'true' }), 'security/cors-wildcard-credentials'],
  ])('fires for %s', (_n, probe, rule) => {
    expect(rulesOf(secArtifact({ cors: [probe] }))).toEqual([rule]);
  });
  it.each([
    ['no CORS headers at all', corsProbe('https://launchready-probe.evil.test', {})],
    ['a fixed allowed origin that is not the one sent', corsProbe('https://launchready-probe.evil.test', { 'access-control-allow-origin': 'https://app.example.com', 'access-control-allow-credentials': 'true' })],
    ['* without credentials (a public API)', corsProbe('https://launchready-probe.evil.test', { 'access-control-allow-origin': '*' })],
    ['a subdomain the allowlist covers', corsProbe('https://launchready-probe.example.com', { 'access-control-allow-origin': 'https://launchready-probe.example.com' }, { kind: 'subdomain', allowed: true })],
    ['null reflected without credentials', corsProbe('null', { 'access-control-allow-origin': 'null' })],
  ])('stays quiet for %s', (_n, probe) => {
    expect(rulesOf(secArtifact({ cors: [probe] }))).toEqual([]);
  });
  it('grades subdomain-only reflection high and shows credentials', () => {
    const sub = run(secArtifact({ cors: [corsProbe('https://x.example.com', { 'access-control-allow-origin': 'https://x.example.com' }, { kind: 'subdomain' })] }));
    expect(sub[0]!.severity).toBe('high');
    const foreign = run(secArtifact({ cors: [corsProbe('https://e.test', { 'access-control-allow-origin': 'https://e.test', 'access-control-allow-credentials': 'true' })] }));
    expect(foreign[0]!.severity).toBeUndefined();
    expect(foreign[0]!.evidence).toMatchObject({ credentials: true, origins: ['https://e.test'] });
  });
  it('builds look-alike origins and matches allowlist patterns', () => {
    expect(probeOrigins('market.test').map((o) => o.origin)).toEqual(expect.arrayContaining(['https://market.test.evil.test', 'https://evilmarket.test', 'null', 'https://launchready-probe.market.test']));
    expect(originAllowed('https://a.example.com', ['https://*.example.com'])).toBe(true);
    expect(originAllowed('https://evilexample.com', ['https://*.example.com'])).toBe(false);
    expect(originAllowed('https://example.com.evil.test', ['https://example.com'])).toBe(false);
  });
});

describe('security/no-rate-limit', () => {
  it.each([
    ['30 login attempts all answered 401', burst()],
    ['a window spent after 12 requests', burst({ sent: 12, stoppedBy: 'time', statuses: { '200': 12 } })],
    ['a search burst (graded medium)', burst({ role: 'search' })],
  ])('fires for %s', (_n, b) => {
    expect(rulesOf(secArtifact({ bursts: [b] }))).toEqual(['security/no-rate-limit']);
  });
  it.each([
    ['a 429 at request 11', burst({ sent: 11, limitedAt: 11, signal: 'status-429', stoppedBy: 'limited' })],
    ['a lockout message', burst({ sent: 6, limitedAt: 6, signal: 'lockout-message', stoppedBy: 'limited' })],
    ['an endpoint that never answered', burst({ sent: 3, stoppedBy: 'error', statuses: { '0': 3 } })],
    ['a very slow endpoint cut by the window after 3 requests', burst({ sent: 3, stoppedBy: 'time' })],
  ])('stays quiet for %s', (_n, b) => {
    expect(rulesOf(secArtifact({ bursts: [b] }))).toEqual([]);
  });
  it('recognises limit signals', () => {
    expect(limitSignal(px({ status: 429 }))).toBe('status-429');
    expect(limitSignal(px({ status: 503, headers: { 'retry-after': '30' } }))).toBe('retry-after');
    expect(limitSignal(px({ status: 401, body: '{"error":"Account locked for 15 minutes"}' }))).toBe('lockout-message');
    expect(limitSignal(px({ status: 200, body: '<div class="cf-turnstile">' }))).toBe('challenge');
    expect(limitSignal(px({ status: 200, headers: { 'ratelimit-remaining': '0' } }))).toBe('ratelimit-header');
    expect(limitSignal(px({ status: 401, body: '{"error":"wrong email or password"}' }))).toBeNull();
  });
});

describe('security/admin-unauthenticated', () => {
  it.each([
    ['a user list served anonymously', adminProbe({ body: '<h1>Users</h1><ul><li>a@example.com</li></ul>' })],
    ['JSON data', adminProbe({ body: '{"users":[{"id":1}]}', headers: { 'content-type': 'application/json' } })],
    ['content for an ordinary user', adminProbe({ body: '<h1>Admin</h1>' }, { as: 'user' })],
    ['different from the catch-all page', adminProbe({ body: '<h1>Admin dashboard</h1>'.repeat(20) }, { notFound: { status: 200, bodyBytes: 30, bodyHash: 'x' } })],
  ])('fires for %s', (_n, p) => {
    expect(rulesOf(secArtifact({ admin: [p] }))).toEqual(['security/admin-unauthenticated']);
  });
  it.each([
    ['a login page with 200', adminProbe({ body: '<form method="post"><input name="u"><input type="password" name="p"></form>' })],
    ['a redirect to login (not followed further)', adminProbe({ status: 302, body: '' })],
    ['401', adminProbe({ status: 401, body: '{"error":"unauthorized"}' })],
    ['403 for an ordinary user', adminProbe({ status: 403, body: 'forbidden' }, { as: 'user' })],
    ['the single-page app shell every unknown path gets', adminProbe({ body: '<div id=root></div>' }, { notFound: { status: 200, bodyBytes: 19, bodyHash: 'other' } })],
    ['an empty 204', adminProbe({ status: 204, body: '' })],
  ])('stays quiet for %s', (_n, p) => {
    expect(rulesOf(secArtifact({ admin: [p] }))).toEqual([]);
  });
});

describe('security/oversized-body-accepted and security/malformed-input-5xx', () => {
  it.each([
    ['limit + 1 byte answered 401 (read and parsed)', payload('oversized', { status: 401 }), 'security/oversized-body-accepted'],
    ['limit + 1 byte answered 201', payload('oversized', { status: 201 }), 'security/oversized-body-accepted'],
    ['malformed JSON answered 500', payload('malformed-json', { status: 500 }), 'security/malformed-input-5xx'],
    ['deep nesting answered 502', payload('deep-nesting', { status: 502 }), 'security/malformed-input-5xx'],
    ['a __proto__ key answered 500', payload('proto-key', { status: 500 }), 'security/malformed-input-5xx'],
  ])('fires for %s', (_n, p, rule) => {
    expect(rulesOf(secArtifact({ payloads: [p] }))).toEqual([rule]);
  });
  it.each([
    ['413', payload('oversized', { status: 413 })],
    ['Django 400 RequestDataTooBig', payload('oversized', { status: 400, body: 'RequestDataTooBig' })],
    ['connection cut while uploading', payload('oversized', { status: 0, error: { code: 'CONNECT', message: 'EPIPE' } })],
    ['a rate-limited answer', payload('oversized', { status: 429 })],
    ['malformed JSON answered 400', payload('malformed-json', { status: 400 })],
    ['a wrong content type answered 415', payload('wrong-content-type', { status: 415 })],
  ])('stays quiet for %s', (_n, p) => {
    expect(rulesOf(secArtifact({ payloads: [p] }))).toEqual([]);
  });
});

const NODE_STACK = 'Error: boom\n    at handler (/srv/app/routes/login.js:12:7)\n    at Layer.handle (/srv/app/node_modules/express/lib/router/layer.js:95:5)';
describe('security/stack-trace-exposed', () => {
  it.each([
    ['a Node stack in JSON', JSON.stringify({ error: 'boom', stack: NODE_STACK })],
    ['Express dev page', '<pre>Error: boom<br> &nbsp; &nbsp;at handler (/srv/app/index.js:3:9)</pre>'],
    ['Django debug page', "<p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p>"],
    ['Python traceback', 'Traceback (most recent call last):\n  File "/app/views.py", line 3, in login'],
    ['Rails exception page', '<title>Action Controller: Exception caught</title>'],
    ['a Rails frame', "app/controllers/sessions_controller.rb:14:in `create'"],
    ['Laravel Whoops', '<title>Whoops! There was an error.</title>'],
    ['Spring whitelabel', '<h1>Whitelabel Error Page</h1>'],
    ['a Java frame', 'at com.example.web.LoginController.login(LoginController.java:42)'],
    ['ASP.NET yellow screen', "<h1>Server Error in '/' Application.</h1>"],
    ['a .NET frame', '   at Shop.Controllers.Login.Post(String u) in C:\\src\\Login.cs:line 31'],
    ['a Go panic', 'panic: runtime error\n\ngoroutine 17 [running]:'],
  ])('fires for %s', (_n, body) => {
    expect(rulesOf(secArtifact({ payloads: [payload('malformed-json', { status: 400, body })] }))).toEqual(['security/stack-trace-exposed']);
  });
  it.each([
    ['a generic error body', '{"error":"bad request"}'],
    ['Fastify default error', '{"statusCode":400,"code":"FST_ERR_CTP_INVALID_JSON","error":"Bad Request","message":"Body is not valid JSON"}'],
    ['prose about stacks', '<p>We are at the office (London) at 9:30 daily. Look at our stack: Node, Django and Rails.</p>'],
    ['one frame only', 'at handler (/srv/app/index.js:3:9)'],
    ['a status page mentioning errors', '<h1>Server error rate: 0.1%</h1><p>Application healthy</p>'],
  ])('stays quiet for %s', (_n, body) => {
    expect(findLeak(body)).toBeNull();
    expect(rulesOf(secArtifact({ payloads: [payload('malformed-json', { status: 400, body })] }))).toEqual([]);
  });
});

describe('security/insecure-cookie', () => {
  it.each([
    ['session without any flag', cookie({ secure: false, httpOnly: false, sameSite: null }), ['Secure', 'HttpOnly', 'SameSite']],
    ['connect.sid without Secure', cookie({ name: 'connect.sid', secure: false }), ['Secure']],
    ['a random HttpOnly token with an odd name', cookie({ name: 'x9', httpOnly: true, sameSite: null }), ['SameSite']],
    ['JSESSIONID without HttpOnly', cookie({ name: 'JSESSIONID', httpOnly: false }), ['HttpOnly']],
  ])('fires for %s', (_n, c, missing) => {
    const f = run(secArtifact({ cookies: [c] }));
    expect(f.map((x) => x.rule)).toEqual(['security/insecure-cookie']);
    expect(f[0]!.evidence!.missing).toEqual(missing);
  });
  it.each([
    ['__Host-session with every flag', cookie({ name: '__Host-session' })],
    ['a theme preference', cookie({ name: 'theme', valueBytes: 4, valueRandom: false, httpOnly: false, secure: false, sameSite: null })],
    ['a CSRF token readable by script', cookie({ name: 'csrf_token', httpOnly: false })],
  ])('stays quiet for %s', (_n, c) => {
    expect(rulesOf(secArtifact({ cookies: [c] }))).toEqual([]);
  });
  it('parses Set-Cookie without keeping the value', () => {
    const c = parseSetCookie('sid=Zx8kP2mQv9LrT4wYbN7c; Path=/; HttpOnly; SameSite=Strict', 'https://a.test/')!;
    expect(c).toMatchObject({ name: 'sid', valueBytes: 20, valueRandom: true, httpOnly: true, secure: false, sameSite: 'Strict' });
    expect(JSON.stringify(c)).not.toContain('Zx8k');
    expect(isSessionLike(c)).toBe(true);
  });
});

describe('security/prompt-injection', () => {
  it.each([
    ['the canary leaked', aiProbe({ attack: 'canary-extraction', canaryLeaked: true })],
    ['the override followed', aiProbe({ markerFollowed: true })],
    ['a markdown image to the exfiltration host', aiProbe({ attack: 'markdown-exfiltration', markerFollowed: true })],
  ])('fires for %s', (_n, p) => {
    expect(rulesOf(secArtifact({ ai: [p] }))).toEqual(['security/prompt-injection']);
  });
  it.each([
    ['a refusal', aiProbe()],
    ['an endpoint that did not answer', aiProbe({ canaryLeaked: false, exchange: px({ status: 0 }) })],
  ])('stays quiet for %s', (_n, p) => {
    expect(rulesOf(secArtifact({ ai: [p] }))).toEqual([]);
  });
  it('is not applicable when off', () => {
    const a = family.audits.find((x) => x.meta.id === 'security-prompt-injection')!;
    expect(a.audit({ security: secArtifact() }, ctx).notApplicable).toMatch(/off/);
  });
});

describe('security.lockout: security/no-rate-limit and security/no-account-lockout', () => {
  const found = (a: SecurityArtifact) => run(a).map((f) => [f.rule, f.severity ?? 'default']);
  it.each([
    ['neither limit (both bursts run to the end)', lockoutProbe(undefined, undefined), [['security/no-rate-limit', 'default']]],
    ['a per-account lockout only (credential stuffing across accounts stays open)', lockoutProbe(6, undefined), [['security/no-rate-limit', 'medium']]],
    ['a per-IP limit only', lockoutProbe(undefined, 5), [['security/no-account-lockout', 'default']]],
    ['a per-IP limit that the first burst already spent (per account unknown)', lockoutProbe(9, 1), [['security/no-account-lockout', 'default']]],
  ])('fires for %s', (_n, l, want) => {
    expect(found(secArtifact({ lockout: l }))).toEqual(want);
  });
  it.each([
    ['both limits', lockoutProbe(6, 4)],
    ['a burst that failed to reach the endpoint (inconclusive)', lockoutProbe(undefined, undefined, { stoppedBy: 'error', sent: 3 })],
    ['a window spent after a handful of requests (inconclusive)', lockoutProbe(undefined, undefined, { stoppedBy: 'time', sent: 4 })],
  ])('stays quiet for %s', (_n, l) => {
    expect(run(secArtifact({ lockout: l }))).toEqual([]);
  });
  it('adds the lockout evidence to the plain burst finding of the same endpoint instead of a second finding', () => {
    const f = run(secArtifact({ bursts: [burst()], lockout: lockoutProbe(undefined, undefined) }));
    expect(f).toHaveLength(1);
    expect(f[0]!.evidence).toMatchObject({ sent: 30, lockout: { limits: 'neither', perAccount: false, perIp: false } });
  });
  it('reads the verdict table', () => {
    expect(lockoutVerdict(lockoutProbe(6, 4))).toEqual({ kind: 'both', perAccount: true, perIp: true });
    expect(lockoutVerdict(lockoutProbe(9, 1))).toEqual({ kind: 'per-ip-only', perAccount: 'unknown', perIp: true });
  });
});

describe('security/graphql-introspection', () => {
  const schema = { typeCount: 40, queryType: 'Query', mutationType: 'Mutation', subscriptionType: null, sampleTypes: ['User', 'Listing'] };
  it.each([
    ['a schema returned to an anonymous client', graphqlProbe({ introspection: px({ method: 'POST' }), schema })],
    ['a schema without mutations', graphqlProbe({ introspection: px({ method: 'POST' }), schema: { ...schema, mutationType: null, typeCount: 3 } })],
  ])('fires for %s', (_n, g) => {
    expect(rulesOf(secArtifact({ graphql: [g] }))).toEqual(['security/graphql-introspection']);
  });
  it.each([
    ['introspection refused (400 with errors)', graphqlProbe({ introspection: px({ method: 'POST', status: 400, body: '{"errors":[{"message":"introspection disabled"}]}' }) })],
    ['an empty type list', graphqlProbe({ introspection: px({ method: 'POST' }), schema: { ...schema, typeCount: 0 } })],
    ['an endpoint that is not GraphQL', graphqlProbe({ isGraphql: false, detect: px({ method: 'POST', status: 404 }) })],
  ])('stays quiet for %s', (_n, g) => {
    expect(run(secArtifact({ graphql: [g] }))).toEqual([]);
  });
  it('recognises GraphQL answers and summarises a schema', () => {
    expect(isGraphqlAnswer('{"data":{"__typename":"Query"}}')).toBe(true);
    expect(isGraphqlAnswer('{"data":{}}')).toBe(false);
    expect(isGraphqlAnswer('<html>')).toBe(false);
    expect(summarizeSchema('{"data":{"__schema":{"queryType":{"name":"Q"},"mutationType":null,"types":[{"name":"Q","kind":"OBJECT"},{"name":"String","kind":"SCALAR"},{"name":"__Type","kind":"OBJECT"}]}}}')).toEqual({
      typeCount: 3, queryType: 'Q', mutationType: null, subscriptionType: null, sampleTypes: ['Q'],
    });
    expect(summarizeSchema('{"errors":[{"message":"no"}]}')).toBeUndefined();
    expect(graphqlCandidates(['https://api.example.com/gql'], ['https://api.example.com', 'https://x.example.com/v1/', 'https://g.example.com/graphql'], true).map((c) => c.url)).toEqual([
      'https://api.example.com/gql', 'https://api.example.com/graphql', 'https://x.example.com/v1/graphql', 'https://g.example.com/graphql',
    ]);
  });
});
