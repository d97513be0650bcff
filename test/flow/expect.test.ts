/** The expectation language, JSONPath subset, templates and cookie jar: pure, table-driven. */
import { describe, expect, it } from 'vitest';
import { EMPTY_SAMPLE, evaluateExpectation, parseExpectation, validateExpectation, type Sample } from '../../src/flow/expect.js';
import { getPath, parseJsonPath } from '../../src/flow/jsonpath.js';
import { render, renderJson, templateRefs, TemplateError } from '../../src/flow/template.js';
import { CookieJar } from '../../src/flow/cookies.js';
import { maskText } from '../../src/flow/mask.js';

const sample: Sample = {
  ...EMPTY_SAMPLE,
  status: 500,
  durationMs: 420,
  headers: { 'content-type': 'application/json; charset=utf-8', 'set-cookie': ['a=1', 'b=2'] },
  body: JSON.stringify({ user: { email: 'a@b.test', id: 7, tags: ['x', 'y'] }, ok: true }),
  cookies: { session: 'abc' },
};

const run = (e: string) => evaluateExpectation(parseExpectation(e), sample);

describe('expectations', () => {
  it.each([
    ['status == 500', true, 'status (500) == 500'],
    ['status == 201', false, 'status (500) == 201'],
    ['[STATUS] != 200', true, '[STATUS] (500) != 200'],
    ['duration < 500', true, 'duration (420) < 500'],
    ['duration < 0.4s', false, 'duration (420) < 0.4s'],
    ['[RESPONSE_TIME] >= 420', true, '[RESPONSE_TIME] (420) >= 420'],
    ['body.user.email == a@b.test', true, 'body.user.email (a@b.test) == a@b.test'],
    ['$.user.id == 7', true, '$.user.id (7) == 7'],
    ['[BODY].user.id == "8"', false, '[BODY].user.id (7) == 8'],
    ['body.user.tags[1] == y', true, 'body.user.tags[1] (y) == y'],
    ['body.user.tags contains x', true, 'body.user.tags (["x","y"]) contains x'],
    ['body.ok == true', true, 'body.ok (true) == true'],
    ['body.user.name == bob', false, 'body.user.name (missing) == bob'],
    ['body.user.name != bob', true, 'body.user.name (missing) != bob'],
    ['body.user.id exists', true, 'body.user.id (present) exists'],
    ['body.error not exists', true, 'body.error (missing) not exists'],
    ['header.content-type contains json', true, 'header.content-type (application/json; charset=utf-8) contains json'],
    ['header.Content-Type not contains html', true, 'header.Content-Type (application/json; charset=utf-8) not contains html'],
    ['header.set-cookie contains b=2', true, 'header.set-cookie (a=1, b=2) contains b=2'],
    ['cookie.session == abc', true, 'cookie.session (abc) == abc'],
    ['len(body.user.tags) == 2', true, 'len(body.user.tags) (2) == 2'],
    ['body matches "email":"[^"]+@b\\.test"', true, null],
  ])('%s -> %s', (e, pass, text) => {
    const r = run(e);
    expect(r.pass).toBe(pass);
    if (text) expect(r.text).toBe(text);
  });

  it('says when a body path meets a non-JSON body', () => {
    const r = evaluateExpectation(parseExpectation('body.id == 1'), { ...sample, body: '<html>' });
    expect(r).toEqual({ pass: false, text: 'body.id (body is not JSON) == 1' });
  });

  it.each([
    ['', /empty expectation/],
    ['status', /expected "<subject> <operator> <value>"/],
    ['status === 200', /unknown operator/],
    ['status ~ 200', /unknown operator near "~ 200"/],
    ['speed < 3', /unknown subject "speed"/],
    ['duration < fast', /"<" needs a number, got "fast"/],
    ['body matches (', /invalid regular expression/],
    ['body.id exists yes', /"exists" takes no value/],
    ['status ==', /"==" needs a value/],
    ['body.items[*].id == 1', /filters and wildcards are not supported/],
  ])('rejects %j with a message quoting it', (input, msg) => {
    const err = validateExpectation(input);
    expect(err).toMatch(msg);
    expect(err).toContain(`"${input}"`);
  });

  it('validates expectations with templates without their values', () => {
    expect(validateExpectation('duration < {{budget}}')).toBeNull();
    expect(validateExpectation('body.user.email == {{unique.email}}')).toBeNull();
  });
});

describe('jsonpath subset', () => {
  it.each([
    ['$.a.b', ['a', 'b']],
    ['a.b[0]', ['a', 'b', 0]],
    ["$['weird key'].x", ['weird key', 'x']],
    ['items[-1]', ['items', -1]],
    ['$', []],
  ])('%s', (p, segs) => expect(parseJsonPath(p)).toEqual(segs));

  it('gets values and undefined for missing ones', () => {
    const o = { items: [{ id: 1 }, { id: 2 }] };
    expect(getPath(o, parseJsonPath('items[-1].id'))).toBe(2);
    expect(getPath(o, parseJsonPath('items[5].id'))).toBeUndefined();
    expect(getPath(o, parseJsonPath('items.id'))).toBeUndefined();
    expect(getPath({}, parseJsonPath('constructor'))).toBeUndefined();
  });
});

describe('templates', () => {
  const look = (n: string) => ({ id: 42, email: 'x@y.test' })[n as 'id'];
  it('renders, keeps types for whole-value templates, lists references', () => {
    expect(render('/listings/{{id}}?e={{ email }}', look)).toBe('/listings/42?e=x@y.test');
    expect(renderJson({ listingId: '{{id}}', note: 'id {{id}}' }, look)).toEqual({ listingId: 42, note: 'id 42' });
    expect(templateRefs('{{a}} {{b.c}} {{a}}')).toEqual(['a', 'b.c']);
  });
  it('throws TemplateError naming the variable and the input', () => {
    expect(() => render('/x/{{nope}}', look)).toThrow(TemplateError);
    expect(() => render('/x/{{nope}}', look)).toThrow('"/x/{{nope}}": {{nope}} is not defined');
  });
});

describe('cookie jar', () => {
  it.each([
    ['host-only cookie goes back to the same host', 'https://www.m.test/login', 'sid=1; Path=/', 'https://www.m.test/api', 'sid=1'],
    ['not to another host', 'https://www.m.test/login', 'sid=1; Path=/', 'https://api.m.test/', undefined],
    ['Domain cookies go to subdomains', 'https://www.m.test/', 'sid=1; Domain=m.test', 'https://api.m.test/x', 'sid=1'],
    ['Secure cookies never over http', 'https://m.test/', 'sid=1; Secure', 'http://m.test/', undefined],
    ['Path limits', 'https://m.test/', 'sid=1; Path=/admin', 'https://m.test/administrator', undefined],
    ['__Host- needs Secure', 'https://m.test/', '__Host-s=1; Path=/', 'https://m.test/', undefined],
    ['__Host- with Secure is kept', 'https://m.test/', '__Host-s=1; Path=/; Secure', 'https://m.test/', '__Host-s=1'],
    ['Max-Age=0 deletes', 'https://m.test/', 'sid=1; Max-Age=0', 'https://m.test/', undefined],
    ['a cookie for another site is ignored', 'https://m.test/', 'sid=1; Domain=evil.test', 'https://evil.test/', undefined],
  ])('%s', (_n, from, set, to, want) => {
    const jar = new CookieJar(() => 0);
    jar.setFromResponse(from, set);
    expect(jar.header(to)).toBe(want);
  });
  it('replaces a cookie and expires it by time', () => {
    let t = 0;
    const jar = new CookieJar(() => t);
    jar.setFromResponse('https://m.test/', ['a=1; Max-Age=10', 'a=2; Max-Age=10']);
    expect(jar.header('https://m.test/')).toBe('a=2');
    t = 11_000;
    expect(jar.header('https://m.test/')).toBeUndefined();
  });
});

describe('masking', () => {
  it('keeps at most 4 characters and a hash prefix', () => {
    const out = maskText('token=supersecretvalue123&x=1', ['supersecretvalue123']);
    expect(out).not.toContain('supersecretvalue123');
    expect(out).toMatch(/token=supe…\(sha256:[0-9a-f]{8}\)&x=1/);
  });
});
