import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { luhn, scanLogText } from '../../secrets/logs.js';
import type { LogsArtifact } from '../../secrets/types.js';
import { SampleGen } from '../../secrets/util.js';
import { family } from './index.js';
import piiInLogs from './pii-in-logs.js';
import secretInLogs from './secret-in-logs.js';

const g = new SampleGen('logs-audit-test');
const GHP = 'ghp_' + g.r('alnum', 36);
const ctx = { config: configSchema.parse({}), now: 0 };

/** A logs artifact from real log text, scanned by the same pure scanner the gatherer uses. */
function logs(text: string, path = 'var/app.log'): LogsArtifact {
  const s = scanLogText(text, path);
  return { files: [{ path, bytes: text.length, lines: s.lines, gzip: false, secretHits: s.secretHits, pii: s.pii, samples: s.samples }], skipped: [] };
}

const clean = [
  '2026-01-02T10:00:00.123Z INFO request done status=200 ms=12 user_id=42',
  '{"level":30,"time":1767348000000,"msg":"login ok","userId":"u_1234","password":"[REDACTED]"}',
  '{"level":30,"msg":"req","headers":{"authorization":"Bearer ****"},"reqId":"3f9a2c1e-8b7d-4c6e-9f0a-1b2c3d4e5f60"}',
  'order 550e8400-e29b-41d4-a716-446655440000 total=1299 items=3',
].join('\n');

describe('logs/secret-in-logs', () => {
  it.each([
    ['a GitHub token in a plain line', `INFO cloning with ${GHP}`],
    ['a token inside a JSON line', JSON.stringify({ level: 30, msg: 'push', token: GHP })],
  ])('fires for %s', (_n, text) => {
    const [f] = secretInLogs.audit({ logs: logs(text) }, ctx).findings;
    expect(f).toMatchObject({ rule: 'logs/secret-in-logs', evidence: { count: 1, byDetector: { 'github-personal-access-token': 1 } } });
    expect(JSON.stringify(f)).not.toContain(GHP.slice(4));
  });
  it.each([['ordinary request logs', clean], ['an empty file', '']])('stays quiet for %s', (_n, text) => {
    expect(secretInLogs.audit({ logs: logs(text) }, ctx).findings).toEqual([]);
  });
});

describe('logs/pii-in-logs', () => {
  it.each([
    ['an email address', 'INFO signup jane.doe@example.org', { email: 1 }, 'medium'],
    ['an E.164 phone number', 'sms sent to +14155552671', { phone: 1 }, 'medium'],
    ['a Luhn-valid card number', 'charge card=4242 4242 4242 4242 ok', { card: 1 }, 'high'],
    ['a clear password in JSON', '{"msg":"login","password":"hunter2hunter2"}', { password: 1 }, 'high'],
    ['an authorization header', '{"headers":{"authorization":"Bearer abcdef123456"}}', { authorization: 1 }, 'high'],
  ])('fires for %s', (_n, text, counts, severity) => {
    const [f] = piiInLogs.audit({ logs: logs(text) }, ctx).findings;
    expect(f).toMatchObject({ rule: 'logs/pii-in-logs', severity, evidence: { counts } });
  });
  it.each([
    ['ordinary request logs with ids, uuids and epoch-ms stamps', clean],
    ['a 16-digit number failing Luhn', 'ref=4242424242424241'],
    ['masked fields', '{"password":"********","authorization":"[FILTERED]"}'],
  ])('stays quiet for %s', (_n, text) => {
    expect(piiInLogs.audit({ logs: logs(text) }, ctx).findings).toEqual([]);
  });
  it('samples are masked', () => {
    const s = scanLogText('a jane.doe@example.org b +14155552671 c 4242424242424242', 'x.log').samples;
    expect(s).toEqual([
      { kind: 'email', line: 1, masked: 'j***@example.org' },
      { kind: 'card', line: 1, masked: '****4242' },
      { kind: 'phone', line: 1, masked: '+*********71' },
    ]);
  });
  it('luhn', () => {
    expect(luhn('4242424242424242')).toBe(true);
    expect(luhn('4242424242424241')).toBe(false);
  });
});

describe('logs family', () => {
  it('declares both rules', () => {
    expect(family.rules.map((r) => r.id)).toEqual(['logs/secret-in-logs', 'logs/pii-in-logs']);
    expect(family.audits.flatMap((a) => a.meta.emits)).toEqual(['logs/secret-in-logs', 'logs/pii-in-logs']);
  });
});
