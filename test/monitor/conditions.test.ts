import { describe, expect, it } from 'vitest';
import { ConditionError, evaluateCondition, parseCondition, scanCondition, validateConditions } from '../../src/monitor/conditions.js';
import type { ProbeResult } from '../../src/monitor/types.js';

const HOUR = 3_600_000;
const body = JSON.stringify({ status: 'ok', items: [{ id: 7 }], data: { count: 3 } });
const up: ProbeResult = { status: 200, responseTimeMs: 120, body, certificateExpirationMs: 400 * HOUR, connected: true, ip: '127.0.0.1' };

const ev = (c: string, r: ProbeResult) => evaluateCondition(parseCondition(c), r);

describe('scan', () => {
  it.each([
    ['[STATUS] == 200', ['[STATUS]', '==', '200']],
    ['[RESPONSE_TIME] <= 300', ['[RESPONSE_TIME]', '<=', '300']],
    ['[BODY].msg == a == b', ['[BODY].msg', '==', 'a == b']],
    ['len([BODY].items) > 0', ['len([BODY].items)', '>', '0']],
  ])('%s', (c, want) => expect(scanCondition(c)).toEqual(want));

  it.each([['', /empty/], ['[STATUS]==200', /no operator/], ['[STATUS] 200', /no operator/]])('rejects %j', (c, re) => {
    expect(() => scanCondition(c)).toThrow(re);
  });
});

describe('evaluate', () => {
  it.each([
    ['[STATUS] == 200'],
    ['[STATUS] != 500'],
    ['[RESPONSE_TIME] < 300'],
    ['[BODY].status == ok'],
    ['[BODY].items[0].id == 7'],
    ['[BODY].data.count >= 3'],
    ['len([BODY].items) > 0'],
    ['has([BODY].data) == true'],
    ['has([BODY].nope) == false'],
    ['[CERTIFICATE_EXPIRATION] > 336h'],
    ['[CONNECTED] == true'],
    ['[BODY] == pat(*"ok"*)'],
    ['[STATUS] == any(200, 204)'],
    ['[IP] == 127.0.0.1'],
  ])('passes %s on a healthy result', (c) => {
    const r = ev(c, up);
    expect(r.success).toBe(true);
    expect(r.display).toBe(c);
  });

  it.each([
    ['[STATUS] == 200', { status: 500 }, '[STATUS] (500) == 200'],
    ['[RESPONSE_TIME] < 300', { responseTimeMs: 812 }, '[RESPONSE_TIME] (812) < 300'],
    ['[BODY].status == ok', { body: '{"status":"down"}' }, '[BODY].status (down) == ok'],
    ['[BODY].status == ok', { body: 'not json' }, '[BODY].status (INVALID) == ok'],
    ['[BODY].missing == ok', { body }, '[BODY].missing (INVALID) == ok'],
    ['len([BODY].items) > 0', { body: '{"items":[]}' }, 'len([BODY].items) (0) > 0'],
    ['[CERTIFICATE_EXPIRATION] > 336h', { certificateExpirationMs: 100 * HOUR }, `[CERTIFICATE_EXPIRATION] (${100 * HOUR}) > 336h`],
    ['[CONNECTED] == true', { connected: false }, '[CONNECTED] (false) == true'],
    ['[STATUS] == 200', {}, '[STATUS] (INVALID) == 200'],
    ['[STATUS] == any(200, 204)', { status: 503 }, '[STATUS] (503) == any(200, 204)'],
    ['[BODY] > abc', { body: 'abd' }, '[BODY] (abd) > abc'],
  ] as [string, ProbeResult, string][])('fails %s and shows the observed value', (c, r, display) => {
    const res = ev(c, r);
    expect(res.success).toBe(false);
    expect(res.display).toBe(display);
  });
});

describe('validate', () => {
  it('accepts the Gatus spellings for an http check', () => {
    expect(validateConditions(['[STATUS] == 200', '[BODY].status == ok', 'len([BODY].items) > 0', '[CERTIFICATE_EXPIRATION] > 336h'], 'http')).toEqual([]);
  });
  it.each([
    [['[STATUS] == 200'], 'tcp', /tcp check does not produce \[STATUS\]/],
    [['[FOO] == 1'], 'http', /unknown placeholder \[FOO\]/],
    [['[STATUS].x == 1'], 'http', /only \[BODY\] takes a JSON path/],
    [['pat(a*) == [BODY]'], 'http', /right-hand side/],
    [['[QUEUE_DEPTH] < 100'], 'http', /does not produce \[QUEUE_DEPTH\]/],
  ] as [string[], 'http' | 'tcp', RegExp][])('rejects %j on %s', (conds, kind, re) => {
    const errs = validateConditions(conds, kind);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(re);
    expect(errs[0]).toContain(conds[0]);
  });
  it('names the condition in a ConditionError', () => {
    expect(() => parseCondition('[NOPE] == 1')).toThrow(ConditionError);
  });
});
