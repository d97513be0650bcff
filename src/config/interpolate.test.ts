import { describe, expect, it } from 'vitest';
import { formatPath, interpolateString, interpolateTree } from './interpolate.js';

const env = { HOST: 'db.internal', EMPTY: '', PORT: '5432' };

describe('interpolateString', () => {
  it.each([
    ['plain text', 'plain text', []],
    ['${HOST}', 'db.internal', ['HOST']],
    ['pg://${HOST}:${PORT}/app', 'pg://db.internal:5432/app', ['HOST', 'PORT']],
    ['${UNSET:-fallback}', 'fallback', ['UNSET']],
    ['${EMPTY:-fallback}', 'fallback', ['EMPTY']], // shell semantics: empty counts as unset for :-
    ['${HOST:-fallback}', 'db.internal', ['HOST']],
    ['${UNSET:-}', '', ['UNSET']],
    ['$${HOST}', '${HOST}', []],
    ['cost $5 and $$ stay', 'cost $5 and $$ stay', []],
    ['${EMPTY}', '', ['EMPTY']], // set but empty, no default: allowed, it is set
  ])('%s -> %s', (input, value, vars) => {
    const r = interpolateString(input, env);
    expect(r.problems).toEqual([]);
    expect(r.value).toBe(value);
    expect(r.vars).toEqual(vars);
  });

  it.each([
    ['${UNSET}', /UNSET is not set/],
    ['a ${HOST', /unterminated/],
    ['${1BAD}', /not a variable reference/],
    ['${}', /not a variable reference/],
    ['${A-B}', /not a variable reference/],
  ])('%s is a problem', (input, re) => {
    const r = interpolateString(input, env);
    expect(r.problems.join('\n')).toMatch(re);
  });

  it('marks a whole single reference', () => {
    expect(interpolateString('${PORT}', env).whole).toBe(true);
    expect(interpolateString('x${PORT}', env).whole).toBe(false);
    expect(interpolateString('${PORT}${PORT}', env).whole).toBe(false);
  });
});

describe('interpolateTree', () => {
  it('walks objects and arrays, records refs per path, leaves keys and non-strings alone', () => {
    const r = interpolateTree({ '${HOST}': 'k', a: [1, '${PORT}', { b: '${HOST}' }], t: true }, env);
    expect(r.value).toEqual({ '${HOST}': 'k', a: [1, '5432', { b: 'db.internal' }], t: true });
    expect([...r.refs.entries()]).toEqual([['a[1]', ['PORT']], ['a[2].b', ['HOST']]]);
  });

  it('types a plain whole reference only when told the scalar was plain', () => {
    const plain = interpolateTree({ n: '${PORT}', s: 'x${PORT}' }, env, { isPlainScalar: () => true });
    expect(plain.value).toEqual({ n: 5432, s: 'x5432' });
    expect(interpolateTree({ n: '${PORT}' }, env).value).toEqual({ n: '5432' });
  });

  it('collects every problem with its path', () => {
    const r = interpolateTree({ a: '${X}', b: ['${Y}'] }, {});
    expect(r.problems.map((p) => formatPath(p.path))).toEqual(['a', 'b[0]']);
  });
});
