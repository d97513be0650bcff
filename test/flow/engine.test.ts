/**
 * The flow engine against real servers on loopback: the demo marketplace (signup -> login -> create
 * listing -> send message -> cleanup) and a harness server for slow, redirecting and leaky answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type ServerHandle } from '../../src/harness/http-servers.js';
import { startMarketplace, DEMO_FLOWS, type Marketplace } from '../../src/demo/marketplace.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import type { Net } from '../../src/net/types.js';
import { createSession, runFlow } from '../../src/flow/engine.js';
import { endpointsByRole } from '../../src/flow/index.js';
import { formatSmoke } from '../../src/flow/report.js';
import type { Flow } from '../../src/flow/types.js';
import { parseConfigText } from '../../src/config/loader.js';
import { ConfigError } from '../../src/core/errors.js';

let market: Marketplace;
let app: ServerHandle;
let other: ServerHandle;
let net: Net;

beforeAll(async () => {
  // flawed: its session cookie has no Secure flag, so the flow works over plain http on loopback
  market = await startMarketplace({ flawed: true, seedListings: 5 });
  app = await startHttpServer({ handler: market.handler });
  other = await startHttpServer({
    host: '127.0.0.2',
    handler: (req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('{"ok":true}'), 150);
      if (req.url === '/hang') return; // never answers
      if (req.url === '/away') return void res.writeHead(302, { location: 'http://127.0.0.9:1/' }).end();
      if (req.url === '/leak') return void res.writeHead(500, { 'content-type': 'text/plain' }).end(`boom for token ${req.headers.authorization}`);
      if (req.url === '/html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>');
      res.end('{}');
    },
  });
  net = createNet({ ...defaultNetOptions(), timeoutMs: 2000 });
});
afterAll(async () => {
  await net.close();
  await app.close();
  await other.close();
  await market.close();
});

const core = DEMO_FLOWS[0]!;

describe('runFlow against the demo marketplace', () => {
  it('passes signup -> login -> create listing -> message -> read, and cleans up', async () => {
    const seen: string[] = [];
    const session = createSession();
    const r = await runFlow(core, { http: net.http, baseUrl: app.url, session, onStep: (s) => seen.push(`${s.name}:${s.outcome}`) });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(seen).toEqual(['signup:passed', 'login:passed', 'create-listing:passed', 'send-message:passed', 'read-listings:passed', 'delete-listing:passed']);
    for (const s of r.steps) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    const id = session.vars.listingId as number;
    expect(typeof id).toBe('number');
    expect(market.db.prepare('SELECT COUNT(*) AS n FROM listings WHERE id = ?').get(id)).toEqual({ n: 0 });
    // the session outlives the run: perf can reuse its cookie
    expect(session.headersFor(`${app.url}/api/listings`).cookie).toMatch(/^session=/);
    // the password never appears whole in the result
    expect(JSON.stringify(r)).not.toContain('smoke-test-password-1');
  });

  it('reports the failing step with expected vs got when the status is wrong, and still cleans up', async () => {
    const flow: Flow = {
      ...core,
      steps: core.steps.map((s) => (s.name === 'send-message' ? { ...s, expect: ['status == 200'] } : s)),
    };
    const r = await runFlow(flow, { http: net.http, baseUrl: app.url });
    expect(r.ok).toBe(false);
    expect(r.failedStep).toBe('send-message');
    const step = r.steps.at(-1)!;
    expect(step.outcome).toBe('failed');
    expect(step.expectations).toEqual([{ expectation: 'status == 200', pass: false, text: 'status (201) == 200' }]);
    expect(step.got?.status).toBe(201);
    expect(step.got?.body).toContain('"message"');
    expect(r.cleanup.map((c) => [c.name, c.outcome])).toEqual([['delete-listing', 'passed']]);
    expect(formatSmoke([r])).toMatch(/FAIL core[\s\S]*expected status == 200 {2}got status \(201\) == 200/);
  });

  it('fails a capture whose JSONPath matches nothing, and skips cleanup needing it', async () => {
    const flow: Flow = {
      ...core,
      steps: core.steps.map((s) => (s.name === 'create-listing' ? { ...s, capture: { listingId: 'body.listing.uuid' } } : s)),
    };
    const r = await runFlow(flow, { http: net.http, baseUrl: app.url });
    expect(r.failedStep).toBe('create-listing');
    expect(r.steps.at(-1)!.reason).toBe('capture listingId: body.listing.uuid matched nothing');
    expect(r.cleanup[0]).toMatchObject({ outcome: 'skipped', reason: '{{listingId}} was never captured' });
  });

  it('lets probes find endpoints by role', () => {
    expect(endpointsByRole(DEMO_FLOWS, 'login').map((e) => e.step.url)).toEqual(['/api/login']);
  });
});

describe('bounds and hostile answers', () => {
  const one = (step: Flow['steps'][number], extra: Partial<Flow> = {}): Flow => ({ name: 'x', steps: [step], ...extra });

  it('fails a slow step on duration, with the observed time inline', async () => {
    const r = await runFlow(one({ name: 'slow', url: '/slow', expect: ['duration < 50'] }), { http: net.http, baseUrl: other.url });
    expect(r.ok).toBe(false);
    expect(r.steps[0]!.expectations[0]!.text).toMatch(/^duration \(\d+\) < 50$/);
    expect(r.steps[0]!.durationMs).toBeGreaterThanOrEqual(140);
  });

  it('caps the whole flow time', async () => {
    const t = Date.now();
    const r = await runFlow(one({ name: 'hang', url: '/hang' }, { timeoutMs: 300 }), { http: net.http, baseUrl: other.url });
    expect(Date.now() - t).toBeLessThan(1500);
    expect(r.ok).toBe(false);
    expect(r.steps[0]!.outcome).toBe('error');
  });

  it('does not follow a redirect off-scope', async () => {
    const r = await runFlow(one({ name: 'away', url: '/away' }), { http: net.http, baseUrl: other.url });
    expect(r.steps[0]).toMatchObject({ outcome: 'error', status: 302, reason: 'redirect to 127.0.0.9:1 is off-scope (not followed)' });
  });

  it('refuses an absolute URL outside the scope it was given', async () => {
    const r = await runFlow(one({ name: 'elsewhere', url: `${app.url}/` }), { http: net.http, baseUrl: other.url, scope: (u) => u.host === new URL(other.url).host });
    expect(r.steps[0]!.reason).toMatch(/is not in scope/);
    expect(app.requests.some((q) => q.url === '/' && q.method === 'GET')).toBe(false);
  });

  it('masks secrets echoed back in a failing body', async () => {
    const r = await runFlow(one({ name: 'leak', url: '/leak', headers: { authorization: 'Bearer {{apiToken}}' } }, { vars: { apiToken: 'tok_1234567890abcdef' } }), { http: net.http, baseUrl: other.url });
    const got = r.steps[0]!.got!;
    expect(got.status).toBe(500);
    expect(got.body).toMatch(/boom for token Bearer tok_…\(sha256:[0-9a-f]{8}\)/);
    expect(JSON.stringify(r)).not.toContain('tok_1234567890abcdef');
  });

  it('says when a body capture meets a non-JSON body', async () => {
    const r = await runFlow(one({ name: 'html', url: '/html', capture: { id: 'body.id' } }), { http: net.http, baseUrl: other.url });
    expect(r.steps[0]!.reason).toBe('capture id: body.id: the body is not JSON');
  });

  it('refuses flows over the step cap and relative URLs without a base', async () => {
    const many: Flow = { name: 'many', steps: Array.from({ length: 51 }, (_, i) => ({ name: `s${i}`, url: '/' })) };
    expect((await runFlow(many, { http: net.http, baseUrl: other.url })).error?.code).toBe('STEP_LIMIT');
    expect((await runFlow(one({ name: 'a', url: '/' }), { http: net.http })).error?.code).toBe('BAD_FLOW');
  });
});

describe('flows in config', () => {
  const yaml = (steps: string) => `flows:\n  - name: core\n    steps:\n${steps}`;
  it('accepts the demo-like flow', () => {
    const c = parseConfigText(yaml('      - name: a\n        url: /x\n        capture: { id: body.id }\n      - name: b\n        url: /y/{{id}}\n        expect: ["status == 200"]\n'), 'c.yaml', {});
    expect(c.flows?.[0]?.steps).toHaveLength(2);
  });
  it.each([
    ['undefined capture reference', '      - name: a\n        url: /y/{{listingId}}\n', 3, /flow "core" step 1 "a": \{\{listingId\}\} is not defined/],
    ['capture used before it exists', '      - name: a\n        url: /y/{{id}}\n      - name: b\n        url: /x\n        capture: { id: body.id }\n', 3, /captured by step "b", which runs later/],
    ['bad expectation', '      - name: a\n        url: /x\n        expect: ["status =! 200"]\n', 3, /flow "core" step 1 "a": expectation "status =! 200": unknown operator/],
    ['bad JSONPath capture', '      - name: a\n        url: /x\n        capture: { id: "body.items[?(@.x)]" }\n', 3, /flow "core" step 1 "a": capture "body.items\[\?\(@.x\)\]"/],
    ['duplicate step names', '      - name: a\n        url: /x\n      - name: a\n        url: /y\n', 3, /step name used twice/],
  ])('rejects %s at load, naming flow, step and line', (_n, steps, _l, msg) => {
    let err: unknown;
    try {
      parseConfigText(yaml(steps), 'c.yaml', {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issue = (err as ConfigError).issues[0]!;
    expect(issue.message).toMatch(msg);
    expect(issue.line).toBeGreaterThanOrEqual(4);
  });
});
