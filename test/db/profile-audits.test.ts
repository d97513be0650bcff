/** perf/n-plus-one and perf/too-many-queries over plain query-profile artifacts. */
import { describe, it, expect } from 'vitest';
import nPlusOne from '../../src/audits/perf/n-plus-one.js';
import tooManyQueries from '../../src/audits/perf/too-many-queries.js';
import { configSchema } from '../../src/config/schema.js';
import type { ProfileSample, QueryProfileArtifact, RouteQueryProfile } from '../../src/db/types.js';

const LOOKUP = 'SELECT name FROM users WHERE id = $1';
const LIST = 'SELECT id FROM posts LIMIT $1';

function sample(shapes: Record<string, number>, over: Partial<ProfileSample> = {}): ProfileSample {
  const statements = Object.entries(shapes).map(([query, perRequest]) => ({ fingerprint: `fp-${query}`, query, perRequest }));
  return { url: 'http://127.0.0.1:1/posts', requests: 3, statuses: [200], items: null, queriesPerRequest: statements.reduce((a, s) => a + s.perRequest, 0), statements, ...over };
}
function route(base: ProfileSample, scaling?: { small: ProfileSample; large: ProfileSample }): RouteQueryProfile {
  return { name: 'feed', method: 'GET', url: 'http://127.0.0.1:1/posts', base, ...(scaling ? { scaling: { limitParam: 'limit', ...scaling } } : {}) };
}
const art = (...routes: RouteQueryProfile[]): QueryProfileArtifact => ({ source: 'pg_stat_statements', target: '127.0.0.1:5432/shop', hiddenTexts: false, routes, skipped: [] });
const run = (a: QueryProfileArtifact, database: Record<string, unknown> = {}) => {
  const config = configSchema.parse({ database });
  return [...nPlusOne.audit({ queryProfile: a }, { config, now: 0 }).findings, ...tooManyQueries.audit({ queryProfile: a }, { config, now: 0 }).findings];
};

describe('perf/n-plus-one and perf/too-many-queries', () => {
  const fires: [string, QueryProfileArtifact, Record<string, unknown>, string[]][] = [
    ['a shape repeated 5 times per request', art(route(sample({ [LIST]: 1, [LOOKUP]: 5 }))), {}, ['perf/n-plus-one']],
    ['a shape that grows with the page although each request looks small', art(route(sample({ [LIST]: 1, [LOOKUP]: 3 }), { small: sample({ [LIST]: 1, [LOOKUP]: 2 }, { items: 2 }), large: sample({ [LIST]: 1, [LOOKUP]: 20 }, { items: 20 }) })), {}, ['perf/n-plus-one']],
    ['21 queries per request', art(route(sample(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`SELECT ${'x'.repeat(i + 1)} FROM t`, 1]))))), {}, ['perf/too-many-queries']],
    ['a repeating group: author and tags looked up for each of 3 items', art(route(sample({ [LIST]: 1, [LOOKUP]: 3, 'SELECT tag FROM tags WHERE post_id = $1': 3 }))), {}, ['perf/n-plus-one']],
    ['a lower configured threshold', art(route(sample({ [LIST]: 1, [LOOKUP]: 3 }))), { nPlusOneRepeats: 3, maxQueriesPerRequest: 3 }, ['perf/n-plus-one', 'perf/too-many-queries']],
  ];
  const staysQuiet: [string, QueryProfileArtifact, Record<string, unknown>][] = [
    ['a JOIN: one query whatever the page size', art(route(sample({ [LIST]: 1 }), { small: sample({ [LIST]: 1 }, { items: 2 }), large: sample({ [LIST]: 1 }, { items: 20 }) })), {}],
    ['a batched lookup (= ANY($1)) that does not grow', art(route(sample({ [LIST]: 1, 'SELECT name FROM users WHERE id = ANY($1)': 1 }), { small: sample({ [LIST]: 1, x: 1 }, { items: 2 }), large: sample({ [LIST]: 1, x: 1 }, { items: 20 }) })), {}],
    ['4 repeats, under the threshold, page size ignored', art(route(sample({ [LOOKUP]: 4 }), { small: sample({ [LOOKUP]: 4 }, { items: 4 }), large: sample({ [LOOKUP]: 4 }, { items: 4 }) })), {}],
    ['hidden texts are never grouped into an N+1', art(route(sample({ '<insufficient privilege>': 8 }))), {}],
    ['a failing route (5xx) is not judged for N+1', art(route(sample({ [LOOKUP]: 9 }, { statuses: [500] }))), {}],
    ['equal counts of transaction control are no group', art(route(sample({ BEGIN: 3, COMMIT: 3, [LIST]: 1 }))), {}],
    ['four shapes at the same count are a busy page, not one loop', art(route(sample({ 'SELECT a FROM t': 3, 'SELECT b FROM t': 3, 'SELECT c FROM t': 3, 'SELECT d FROM t': 3 }))), {}],
    ['one shape 3 times is under the threshold and no group', art(route(sample({ [LIST]: 1, [LOOKUP]: 3 }))), {}],
    ['exactly 20 queries', art(route(sample({ [LIST]: 1, [LOOKUP]: 4, ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`SELECT c${i} FROM t`, 1])) }))), {}],
  ];
  it.each(fires)('fires: %s', (_, a, db, want) => {
    expect(run(a, db).map((f) => f.rule).sort()).toEqual(want);
  });
  it.each(staysQuiet)('stays quiet: %s', (_, a, db) => {
    expect(run(a, db)).toEqual([]);
  });

  it('evidence names the normalised shape, its calls per request and the scaling', () => {
    const a = art(route(sample({ [LIST]: 1, [LOOKUP]: 3 }), { small: sample({ [LIST]: 1, [LOOKUP]: 2 }, { items: 2 }), large: sample({ [LIST]: 1, [LOOKUP]: 20 }, { items: 20 }) }));
    expect(run(a)[0]!.evidence).toEqual({ route: 'feed', reason: 'grows with items', query: LOOKUP, perRequest: 20, threshold: 5, queriesPerRequest: 4, scaling: { limitParam: 'limit', items: [2, 20], perRequest: [2, 20] } });
  });

  it('a repeating group names every shape of the group', () => {
    const a = art(route(sample({ [LIST]: 1, [LOOKUP]: 3, 'SELECT tag FROM tags WHERE post_id = $1': 3 })));
    expect(run(a)[0]!.evidence).toMatchObject({ reason: 'repeating group', perRequest: 3, group: [LOOKUP, 'SELECT tag FROM tags WHERE post_id = $1'] });
  });

  it('nothing profiled: not applicable, with the reasons', () => {
    const a: QueryProfileArtifact = { ...art(), skipped: [{ name: 'feed', reason: 'needs auth flow "login"' }] };
    const r = nPlusOne.audit({ queryProfile: a }, { config: configSchema.parse({}), now: 0 });
    expect(r.notApplicable).toMatch(/feed: needs auth flow "login"/);
  });
});
