/**
 * perf/no-compression: a read route's text response of at least perf.compressionMinBytes, sent
 * without gzip/br/zstd although the request offered them.
 */
import { defineAudit } from '../../core/audit.js';
import type { FindingDraft } from '../../core/types.js';
import { perfSettings } from '../../load/routes.js';

const TEXT = /^(text\/|application\/(json|[\w.+-]+\+json|javascript|ecmascript|xml|[\w.+-]+\+xml|graphql-response\+json)|image\/svg\+xml)/i;
const COMPRESSED = /\b(gzip|br|zstd|deflate)\b/i;

export default defineAudit({
  meta: {
    id: 'perf-no-compression',
    emits: ['perf/no-compression'],
    requiredArtifacts: ['routeProbes'],
    description: 'Large text responses are compressed when the client accepts it',
  },
  audit({ routeProbes }, { config }) {
    const min = perfSettings(config).compressionMinBytes;
    const findings: FindingDraft[] = [];
    const targets: string[] = [];
    for (const p of routeProbes.probes) {
      const x = p.plain;
      if (!x || x.error || x.status < 200 || x.status >= 300 || !x.acceptEncoding) continue;
      const target = `${p.method} ${p.url}`;
      targets.push(target);
      const type = x.headers['content-type'] ?? '';
      const enc = x.headers['content-encoding'] ?? '';
      if (!TEXT.test(type) || COMPRESSED.test(enc) || x.bodyBytes < min) continue;
      findings.push({ rule: 'perf/no-compression', target, evidence: { route: p.name, contentType: type, bytes: x.bodyBytes, contentEncoding: enc || null, offered: 'gzip, br' } });
    }
    if (targets.length === 0) return { findings, notApplicable: 'no read route answered' };
    return { findings, targets };
  },
});
