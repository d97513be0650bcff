/**
 * security/graphql-introspection: every GraphQL endpoint (one that answers `{__typename}` with
 * data) is asked for its schema anonymously; a schema with types coming back is the finding.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { skippedReason } from './shared.js';

export default defineAudit({
  meta: {
    id: 'security-graphql',
    emits: ['security/graphql-introspection'],
    requiredArtifacts: ['security'],
    description: 'GraphQL endpoints refuse introspection to anonymous clients',
  },
  audit({ security: a }) {
    const tried = (a.graphql ?? []).filter((g) => g.detect.status > 0);
    if (!tried.length) {
      return {
        findings: [],
        notApplicable:
          skippedReason(a, 'all') ??
          (a.graphql?.length ? `no GraphQL candidate answered (tried ${a.graphql.map((g) => g.url).slice(0, 3).join(', ')})` : 'no GraphQL endpoints (security.graphql) and no API base to try /graphql on'),
      };
    }
    // A candidate that answered but is not GraphQL exposes no schema: checked and clean.
    const gql = tried.filter((g) => g.isGraphql);
    const findings: FindingDraft[] = [];
    for (const g of gql) {
      if (!g.schema || g.schema.typeCount === 0) continue;
      const x = g.introspection!;
      findings.push({
        rule: 'security/graphql-introspection',
        target: g.url,
        evidence: {
          request: `POST ${g.url} (IntrospectionQuery, anonymous)`,
          status: x.status,
          types: g.schema.typeCount,
          queryType: g.schema.queryType,
          mutationType: g.schema.mutationType,
          ...(g.schema.subscriptionType ? { subscriptionType: g.schema.subscriptionType } : {}),
          sampleTypes: g.schema.sampleTypes,
          source: g.source,
        },
      });
    }
    return { findings, targets: tried.map((g) => g.url) };
  },
});
