/**
 * The generated k6 script runs in a vm context with stub k6 modules: it must compile, declare one
 * constant-arrival-rate scenario per route with its thresholds, and send the routes' requests.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { exportK6FromConfig } from '../../src/load/k6-export.js';

const config = configSchema.parse({
  routes: [
    { name: 'feed', url: 'https://www.market.test/api/listings?page={{seq}}', list: true, critical: true, thresholds: ['p(99)<800'] },
    { name: 'create-listing', method: 'POST', url: 'https://www.market.test/api/listings', body: { title: 'Load `test` {{seq}} ${x}', owner: '{{env.OWNER}}' }, auth: 'core', rate: 5, duration: '3s' },
  ],
  perf: { duration: '10s', rate: 40, warmup: '1s', budgets: { readP95Ms: 250 } },
});

function load(script: string) {
  const sent: { method: string; url: string; body: unknown; params: { headers: Record<string, string> } }[] = [];
  const stubs = {
    http: { request: (method: string, url: string, body: unknown, params: never) => (sent.push({ method, url, body, params }), { status: 200 }) },
    exec: { scenario: { iterationInTest: 7 } },
    check: () => true,
  };
  // k6 scripts are ES modules: map the three imports and the exports onto a plain script.
  const body = script
    .replace("import http from 'k6/http';", 'const http = __stubs.http;')
    .replace("import exec from 'k6/execution';", 'const exec = __stubs.exec;')
    .replace("import { check } from 'k6';", 'const check = __stubs.check;')
    .replace(/^export (const|function) /gm, '$1 ');
  expect(body).not.toMatch(/^\s*(import|export)\b/m);
  const ctx = vm.createContext({ __stubs: stubs, __ENV: { OWNER: 'ops' }, __VU: 3, crypto: { randomUUID: () => 'u' }, Math, JSON, Date, Object });
  new vm.Script(`${body}\n;globalThis.__out = { options, fns: { ${[...script.matchAll(/^export function (\w+)/gm)].map((m) => m[1]).join(', ')} } };`).runInContext(ctx);
  return { out: (ctx as { __out: { options: Record<string, Record<string, Record<string, unknown>>>; fns: Record<string, (d?: unknown) => void> } }).__out, sent };
}

describe('exportK6', () => {
  const script = exportK6FromConfig(config);
  const { out, sent } = load(script);

  it('declares a constant-arrival-rate scenario per route', () => {
    expect(Object.keys(out.options.scenarios!)).toEqual(['feed', 'create-listing']);
    expect(out.options.scenarios!.feed).toMatchObject({ executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '10s', startTime: '0s' });
    expect(out.options.scenarios!['create-listing']).toMatchObject({ executor: 'constant-arrival-rate', rate: 5, duration: '3s', startTime: '11s' });
  });

  it('carries the thresholds, scoped to each scenario', () => {
    expect(out.options.thresholds).toEqual({
      'http_req_duration{scenario:feed}': ['p(95)<250', 'p(99)<800'],
      'http_req_failed{scenario:feed}': ['rate<0.01'],
      'http_req_duration{scenario:create-listing}': ['p(95)<500'],
      'http_req_failed{scenario:create-listing}': ['rate<0.01'],
    });
  });

  it('sends each route with its data template rendered per iteration', () => {
    for (const s of Object.values(out.options.scenarios!)) out.fns[s.exec as string]!({ headers: { cookie: 'session=abc' } });
    expect(sent[0]).toMatchObject({ method: 'GET', url: 'https://www.market.test/api/listings?page=7', body: null });
    expect(sent[1]!.method).toBe('POST');
    expect(JSON.parse(sent[1]!.body as string)).toEqual({ title: 'Load `test` 7 ${x}', owner: 'ops' });
    expect(sent[1]!.params.headers).toMatchObject({ 'content-type': 'application/json', cookie: 'session=abc' });
  });
});
