/**
 * Each check kind against a real service on loopback: HTTP target, HTTPS with certificates from a
 * test CA, the harness DNS server, a TCP port, the local PostgreSQL (5432, trust auth) and Redis (6379).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertAuthority } from '../../src/harness/certs.js';
import { startDnsServer, type DnsServerHandle } from '../../src/harness/dns-server.js';
import { startHttpsServer, type ServerHandle } from '../../src/harness/http-servers.js';
import { checkTarget, runCheck } from '../../src/monitor/checks.js';
import { monitorCheckSchema } from '../../src/monitor/config-schema.js';
import { monitorCheckOnce } from '../../src/monitor/monitor.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import type { Net } from '../../src/net/types.js';
import { config, startTarget, type Target } from './helpers.js';

const DAY = 86_400_000;
const REDIS = 'redis://127.0.0.1:6379';
const PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const MYSQL = 'mysql://root@127.0.0.1:3306/';

let target: Target;
let soon: ServerHandle;
let later: ServerHandle;
let dns: DnsServerHandle;
let net: Net;
let redis: Redis;
const queue = `lr-test:queue:${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  const ca = await createCertAuthority({ name: 'Monitor Test Root' });
  const now = Date.now();
  const [c10, c60] = await Promise.all([
    ca.issue({ names: ['soon.shop.test'], notAfter: new Date(now + 10 * DAY) }),
    ca.issue({ names: ['later.shop.test'], notAfter: new Date(now + 60 * DAY) }),
  ]);
  const ok = (_q: unknown, res: { end(s: string): void }) => res.end('ok');
  [target, soon, later, dns] = await Promise.all([
    startTarget(),
    startHttpsServer({ cert: c10, handler: ok }),
    startHttpsServer({ cert: c60, handler: ok }),
    startDnsServer({ zones: { 'shop.test': [{ type: 'A', value: '127.0.0.9' }], 'gone.shop.test': 'NXDOMAIN' } }),
  ]);
  net = createNet({
    ...defaultNetOptions(),
    timeoutMs: 2000,
    extraCaPem: ca.certPem,
    resolvers: [dns.address],
    connectTo: [
      { host: 'soon.shop.test', port: '443', toHost: '127.0.0.1', toPort: String(soon.port) },
      { host: 'later.shop.test', port: '443', toHost: '127.0.0.1', toPort: String(later.port) },
    ],
  });
  redis = new Redis(REDIS);
  await redis.rpush(queue, 'a', 'b', 'c');
});
afterAll(async () => {
  await redis.del(queue);
  redis.disconnect();
  await Promise.all([target.close(), soon.close(), later.close(), dns.close(), net.close()]);
});

const check = (c: Record<string, unknown>) => monitorCheckSchema.parse({ id: 'c', ...c });
const run = (c: Record<string, unknown>) => runCheck(check(c), { net, now: () => Date.now() }, { timeout: '2s' });

describe('check kinds', () => {
  it.each([
    ['http status and JSON body', () => ({ kind: 'http', url: `${target.url}/`, conditions: ['[STATUS] == 200', '[BODY].status == ok', 'len([BODY].items) > 0', '[RESPONSE_TIME] < 2000'] })],
    ['tls certificate with 60 days left', () => ({ kind: 'tls', host: 'later.shop.test', conditions: ['[CERTIFICATE_EXPIRATION] > 336h', '[CONNECTED] == true'] })],
    ['https certificate expiry from an http check', () => ({ kind: 'http', url: 'https://later.shop.test/', conditions: ['[STATUS] == 200', '[CERTIFICATE_EXPIRATION] > 720h'] })],
    ['dns record equals the expected address', () => ({ kind: 'dns', host: 'shop.test', conditions: ['[DNS_RCODE] == NOERROR', '[BODY] == 127.0.0.9'] })],
    ['tcp port open', () => ({ kind: 'tcp', host: '127.0.0.1', port: target.port })],
    ['postgres query', () => ({ kind: 'postgres', url: PG, query: 'SELECT 42 AS answer', conditions: ['[CONNECTED] == true', '[BODY].answer == 42', '[ROWS] == 1'] })],
    ['mysql query (MariaDB)', () => ({ kind: 'mysql', url: MYSQL, query: 'SELECT 42 AS answer, COUNT(*) AS n FROM information_schema.schemata', conditions: ['[CONNECTED] == true', '[BODY].answer == 42', '[BODY].n > 0', '[ROWS] == 1', '[RESPONSE_TIME] < 2000'] })],
    ['mysql default condition', () => ({ kind: 'mysql', url: MYSQL })],
    ['redis queue depth under a limit', () => ({ kind: 'redis', url: REDIS, queue, conditions: ['[CONNECTED] == true', '[QUEUE_DEPTH] < 10'] })],
  ])('passes: %s', async (_n, c) => {
    const r = await run(c());
    expect(r.conditions.filter((x) => !x.success)).toEqual([]);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
  });

  it.each([
    ['http status other than expected', () => ({ kind: 'http', url: `${target.url}/`, conditions: ['[STATUS] == 201'] }), '[STATUS] (200) == 201'],
    ['tls certificate with 10 days left', () => ({ kind: 'tls', host: 'soon.shop.test' }), '[CERTIFICATE_EXPIRATION] ('],
    ['dns name gone', () => ({ kind: 'dns', host: 'gone.shop.test' }), '[DNS_RCODE] (NXDOMAIN) == NOERROR'],
    ['tcp port closed', () => ({ kind: 'tcp', host: '127.0.0.1', port: 1 }), '[CONNECTED] (false) == true'],
    ['postgres wrong database', () => ({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/no_such_db_lr' }), '[CONNECTED] (false) == true'],
    ['mysql query result other than expected', () => ({ kind: 'mysql', url: MYSQL, query: 'SELECT 42 AS answer', conditions: ['[BODY].answer == 41'] }), '[BODY].answer (42) == 41'],
    ['mysql rows other than expected', () => ({ kind: 'mysql', url: MYSQL, query: 'SELECT 1 AS x UNION ALL SELECT 2', conditions: ['[ROWS] == 1'] }), '[ROWS] (2) == 1'],
    ['mysql unknown database', () => ({ kind: 'mysql', url: 'mysql://root@127.0.0.1:3306/no_such_db_lr' }), '[CONNECTED] (false) == true'],
    ['mysql unreachable', () => ({ kind: 'mysql', url: 'mysql://root@127.0.0.1:1/' }), '[CONNECTED] (false) == true'],
    ['redis queue too deep', () => ({ kind: 'redis', url: REDIS, queue, conditions: ['[QUEUE_DEPTH] < 2'] }), '[QUEUE_DEPTH] (3) < 2'],
    ['redis unreachable', () => ({ kind: 'redis', url: 'redis://127.0.0.1:1' }), '[CONNECTED] (false) == true'],
    ['flow without an engine', () => ({ kind: 'flow', flow: 'checkout' }), '[CONNECTED] (false) == true'],
  ])('fails: %s, showing the observed value', async (_n, c, display) => {
    const r = await run(c());
    expect(r.ok).toBe(false);
    expect(r.conditions.find((x) => !x.success)?.display).toContain(display);
  });

  it('masks the password of a mysql URL in the error and target', async () => {
    const r = await run({ kind: 'mysql', url: 'mysql://root:wr0ngPassw0rd@127.0.0.1:3306/' });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^MYSQL: /);
    expect(JSON.stringify(r)).not.toContain('wr0ngPassw0rd');
    expect(checkTarget(check({ kind: 'mysql', url: 'mysql://root:wr0ngPassw0rd@127.0.0.1:3306/' }))).not.toContain('wr0ngPassw0rd');
  });

  it('records masked error context for a failing http check', async () => {
    target.status = 503;
    target.body = '{"error":"db down","dsn":"postgres://app:hunter2secret@db/prod","token":"abcd1234efgh5678"}';
    try {
      const r = await run({ kind: 'http', url: `${target.url}/`, conditions: ['[STATUS] == 200'] });
      expect(r.context?.status).toBe(503);
      expect(r.context?.bodyExcerpt).toContain('db down');
      expect(r.context?.bodyExcerpt).not.toContain('hunter2secret');
      expect(r.context?.bodyExcerpt).not.toContain('efgh5678');
    } finally {
      target.status = 200;
      target.body = '{"status":"ok","items":[1]}';
    }
  });
});

describe('monitorCheckOnce', () => {
  it('runs every check once and reports failure when one fails', async () => {
    const cfg = config({
      monitor: {
        checks: [
          { id: 'home', kind: 'http', url: `${target.url}/` },
          { id: 'db', kind: 'tcp', host: '127.0.0.1', port: 1 },
        ],
      },
    });
    const r = await monitorCheckOnce(cfg, net);
    expect(r.ok).toBe(false);
    expect(r.runs.map((x) => [x.checkId, x.ok])).toEqual([['home', true], ['db', false]]);
  });
});
