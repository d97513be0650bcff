/**
 * GraphQL: recognise an endpoint with the smallest possible query (`{__typename}`, which every
 * GraphQL server answers with `data`), then ask it anonymously for its schema. The introspection
 * query asks only for type names and kinds and the root types: enough to tell "the whole schema
 * is public" from "introspection is off", at a fraction of the size of the full query tools send.
 */
import type { GraphqlProbe } from './types.js';

/** Body of the recognition request. */
export const TYPENAME_BODY = '{"query":"{__typename}"}';
/** Introspection, named like the query GraphiQL and Apollo send (so a block keyed on the name counts). */
export const INTROSPECTION_QUERY =
  'query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name } types { name kind } } }';
export const INTROSPECTION_BODY = JSON.stringify({ query: INTROSPECTION_QUERY, operationName: 'IntrospectionQuery' });
/** Bytes of the introspection answer read for parsing (a large schema's type list fits easily). */
export const INTROSPECTION_MAX_BYTES = 1024 * 1024;
/** Type names kept as evidence. */
const SAMPLE_TYPES = 12;

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** True when a `{__typename}` answer is GraphQL: `{"data":{"__typename":"Query"}}`. */
export function isGraphqlAnswer(body: string): boolean {
  const v = parse(body) as { data?: { __typename?: unknown } } | undefined;
  return typeof v?.data?.__typename === 'string';
}

/** Root and type names from an introspection answer, or undefined when it carries no schema. */
export function summarizeSchema(body: string): GraphqlProbe['schema'] {
  const v = parse(body) as { data?: { __schema?: Record<string, unknown> } } | undefined;
  const s = v?.data?.__schema;
  if (!s || typeof s !== 'object') return undefined;
  const types = Array.isArray(s.types) ? (s.types as { name?: unknown; kind?: unknown }[]) : [];
  const names = types.flatMap((t) => (typeof t?.name === 'string' ? [t.name] : []));
  const root = (k: string) => {
    const r = s[k] as { name?: unknown } | null | undefined;
    return typeof r?.name === 'string' ? r.name : null;
  };
  return {
    typeCount: names.length,
    queryType: root('queryType'),
    mutationType: root('mutationType'),
    subscriptionType: root('subscriptionType'),
    // The application's own types first: built-ins (__Schema, String...) say nothing.
    sampleTypes: names.filter((n) => !n.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(n)).slice(0, SAMPLE_TYPES),
  };
}

/** Candidate URLs: configured ones, then `<base>/graphql` of each API base (the base itself when it already ends in /graphql). */
export function graphqlCandidates(configured: readonly string[], apis: readonly string[], discover: boolean): { url: string; source: 'config' | 'common' }[] {
  const out: { url: string; source: 'config' | 'common' }[] = configured.map((url) => ({ url, source: 'config' as const }));
  if (discover) {
    for (const a of apis) {
      const u = new URL(a);
      const path = u.pathname.replace(/\/+$/, '');
      out.push({ url: /\/graphql$/i.test(path) ? u.origin + path : `${u.origin}${path}/graphql`, source: 'common' });
    }
  }
  return out.filter((c, i) => out.findIndex((x) => x.url === c.url) === i);
}
