/**
 * security/graphql-introspection end to end: small hand-written GraphQL responders on Fastify
 * (loopback): one that answers introspection, one that refuses it, and a plain REST API.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { PROBE_HEADER } from '../../src/probe/request.js';
import { auditSecurity, ids } from './helpers.js';

const SCHEMA = {
  queryType: { name: 'Query' },
  mutationType: { name: 'Mutation' },
  subscriptionType: null,
  types: [
    { name: 'Query', kind: 'OBJECT' },
    { name: 'Mutation', kind: 'OBJECT' },
    { name: 'Listing', kind: 'OBJECT' },
    { name: 'AdminAuditLog', kind: 'OBJECT' },
    { name: 'String', kind: 'SCALAR' },
    { name: '__Schema', kind: 'OBJECT' },
  ],
};

const apps: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

/** A GraphQL responder at `path`: `{__typename}` always works; `__schema` only when introspection is on. */
async function graphqlApi(path: string, introspection: boolean): Promise<{ url: string; queries: string[] }> {
  const app = Fastify({ logger: false });
  apps.push(app);
  const queries: string[] = [];
  app.post(path, async (req, reply) => {
    const q = String((req.body as { query?: unknown } | undefined)?.query ?? '');
    queries.push(q);
    if (req.headers[PROBE_HEADER] !== '1') return reply.code(400).send({ errors: [{ message: 'unmarked' }] });
    if (q.includes('__schema')) {
      if (!introspection) return reply.code(400).send({ errors: [{ message: 'GraphQL introspection is not allowed, but the query contained __schema or __type' }] });
      return { data: { __schema: SCHEMA } };
    }
    if (/^\s*\{\s*__typename\s*\}\s*$/.test(q)) return { data: { __typename: 'Query' } };
    return reply.code(400).send({ errors: [{ message: 'unknown query' }] });
  });
  return { url: await app.listen({ host: '127.0.0.1', port: 0 }), queries };
}

describe('security/graphql-introspection', () => {
  it('fires when /graphql on the API base returns the schema to an anonymous client', async () => {
    const api = await graphqlApi('/graphql', true);
    const { report, artifact } = await auditSecurity({ security: { apis: [api.url] } });
    const f = report.findings.find((x) => x.id === 'security/graphql-introspection');
    expect(f).toMatchObject({
      severity: 'medium',
      target: `${api.url}/graphql`,
      evidence: { status: 200, types: 6, queryType: 'Query', mutationType: 'Mutation', sampleTypes: ['Query', 'Mutation', 'Listing', 'AdminAuditLog'], source: 'common' },
    });
    expect(artifact.graphql).toHaveLength(1);
    expect(api.queries).toHaveLength(2); // {__typename}, then introspection: nothing more
  });

  it('fires for a configured endpoint on another path', async () => {
    const api = await graphqlApi('/api/gql', true);
    const { report } = await auditSecurity({ security: { apis: [api.url], graphql: ['/api/gql'], discoverAdmin: false } });
    expect(report.findings.filter((x) => x.id === 'security/graphql-introspection').map((x) => [x.target, x.evidence.source])).toEqual([[`${api.url}/api/gql`, 'config']]);
  });

  it('stays quiet when introspection is refused', async () => {
    const api = await graphqlApi('/graphql', false);
    const { report, artifact } = await auditSecurity({ security: { apis: [api.url] } });
    expect(ids(report)).not.toContain('security/graphql-introspection');
    expect(report.passed).toContain('security/graphql-introspection');
    expect(artifact.graphql![0]).toMatchObject({ isGraphql: true, introspection: { status: 400 } });
    expect(artifact.graphql![0]!.schema).toBeUndefined();
  });

  it('passes when the API is not GraphQL (/graphql answers 404), and is skipped when nothing answers', async () => {
    const app = Fastify({ logger: false });
    apps.push(app);
    app.get('/', async () => ({ ok: true }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const { report, artifact } = await auditSecurity({ security: { apis: [url] } });
    expect(artifact.graphql).toMatchObject([{ url: `${url}/graphql`, isGraphql: false, detect: { status: 404 } }]);
    expect(artifact.graphql![0]!.introspection).toBeUndefined();
    expect(report.passed).toContain('security/graphql-introspection');
    await app.close();
    const gone = await auditSecurity({ security: { apis: [url] } });
    expect(gone.report.skipped).toContainEqual({ id: 'security/graphql-introspection', reason: expect.stringMatching(/no GraphQL candidate answered/) });
  });
});
