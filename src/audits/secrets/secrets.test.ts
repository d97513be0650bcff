import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { HistoryHit, SecretsArtifact, TreeHit } from '../../secrets/types.js';
import bundleSecret from './bundle-secret.js';
import committedSecret from './committed-secret.js';
import historySecret from './history-secret.js';
import { family } from './index.js';

const ctx = { config: configSchema.parse({}), now: 0 };

function hit(o: Partial<TreeHit> = {}): TreeHit {
  return {
    rule: 'stripe-secret-key', provider: 'Stripe', kind: 'live secret key', file: 'src/pay.ts', line: 3, column: 7,
    fingerprint: 'f00dfeedf00dfeed', secretHash: 'aaaa1111bbbb2222', redacted: 'sk_l…', length: 32, tracked: true, fixture: false, ...o,
  };
}
function hhit(o: Partial<HistoryHit> = {}): HistoryHit {
  const { tracked: _t, fixture: _f, ...base } = hit();
  return { ...base, blob: 'b'.repeat(40), commit: 'c'.repeat(40), author: 'Ada', date: '2026-01-02T10:00:00Z', ...o };
}
function artifact(o: { tree?: TreeHit[]; history?: HistoryHit[] | null; bundles?: TreeHit[]; bundleFiles?: number } = {}): SecretsArtifact {
  const s = { files: 3, bytes: 100, skipped: [], skippedByReason: {} };
  return {
    root: '/repo', isGitRepo: true, shallow: false,
    worktree: { ...s, hits: o.tree ?? [] },
    bundles: { ...s, files: o.bundleFiles ?? 2, hits: o.bundles ?? [] },
    ...(o.history === null ? {} : { history: { ...s, hits: o.history ?? [], blobs: 10, commits: 4 } }),
    baselined: 0, baselineSize: 0, durationMs: 5,
  };
}

describe('secrets/committed-secret', () => {
  it.each([
    ['a live key in a tracked file', artifact({ tree: [hit()] }), 'blocker'],
    ['a key in an untracked, not ignored file', artifact({ tree: [hit({ tracked: false })] }), 'high'],
    ['a key in a test fixture (lowered, not hidden)', artifact({ tree: [hit({ fixture: true, file: 'test/fixtures/a.json' })] }), 'medium'],
    ['a test-mode key', artifact({ tree: [hit({ testKey: true, rule: 'stripe-test-secret-key' })] }), 'medium'],
  ])('fires for %s', (_n, a, severity) => {
    const [f] = committedSecret.audit({ secrets: a }, ctx).findings;
    expect(f).toMatchObject({ rule: 'secrets/committed-secret', severity, key: a.worktree.hits[0]!.fingerprint });
    expect(f!.evidence).toMatchObject({ provider: 'Stripe', redacted: 'sk_l…', rotateUrl: expect.stringContaining('stripe.com') });
    expect(f!.remediation).toMatch(/^Rotate/);
  });
  it.each([
    ['a clean tree', artifact()],
    ['hits only in history', artifact({ history: [hhit()] })],
    ['hits only in bundles', artifact({ bundles: [hit({ file: 'dist/a.js' })] })],
  ])('stays quiet for %s', (_n, a) => {
    expect(committedSecret.audit({ secrets: a }, ctx).findings).toEqual([]);
  });
});

describe('secrets/history-secret', () => {
  it.each([
    ['a key deleted since', artifact({ history: [hhit()] }), 1],
    ['one secret in two paths: one finding', artifact({ history: [hhit(), hhit({ file: 'old/pay.ts', fingerprint: '1234' })] }), 1],
    ['two different secrets', artifact({ history: [hhit(), hhit({ secretHash: 'other', fingerprint: '9' })] }), 2],
  ])('fires for %s', (_n, a, count) => {
    const fs = historySecret.audit({ secrets: a }, ctx).findings;
    expect(fs).toHaveLength(count);
    expect(fs[0]).toMatchObject({ rule: 'secrets/history-secret', severity: 'blocker', evidence: { commit: 'c'.repeat(40), author: 'Ada' } });
  });
  it.each([
    ['no history hits', artifact({ history: [] })],
    ['a secret still in the tree (reported as committed-secret)', artifact({ tree: [hit()], history: [hhit()] })],
    ['history scan off', artifact({ history: null })],
  ])('stays quiet for %s', (_n, a) => {
    expect(historySecret.audit({ secrets: a }, ctx).findings).toEqual([]);
  });
});

describe('secrets/bundle-secret', () => {
  it.each([
    ['a key in dist JS', artifact({ bundles: [hit({ file: 'dist/assets/index.js' })] }), 'blocker'],
    ['a key in a source map source', artifact({ bundles: [hit({ file: 'dist/a.js.map#../src/x.ts' })] }), 'blocker'],
    ['a test-mode key in a bundle', artifact({ bundles: [hit({ file: 'dist/a.js', testKey: true })] }), 'medium'],
  ])('fires for %s', (_n, a, severity) => {
    const [f] = bundleSecret.audit({ secrets: a }, ctx).findings;
    expect(f).toMatchObject({ rule: 'secrets/bundle-secret', severity });
    expect(f!.location!.file).not.toContain('#');
  });
  it('says when the key was base64-encoded in the bundle', () => {
    const [plain] = bundleSecret.audit({ secrets: artifact({ bundles: [hit({ file: 'dist/a.js' })] }) }, ctx).findings;
    const [enc] = bundleSecret.audit({ secrets: artifact({ bundles: [hit({ file: 'dist/a.js', encoding: 'base64' })] }) }, ctx).findings;
    expect(enc!.evidence).toMatchObject({ encoded: 'base64-encoded in bundle', redacted: 'sk_l…' });
    expect(plain!.evidence).not.toHaveProperty('encoded');
  });
  it.each([
    ['no bundle hits', artifact()],
    ['a referrer-restricted browser API key', artifact({ bundles: [hit({ rule: 'gcp-api-key', browserSafe: true, file: 'dist/a.js' })] })],
  ])('stays quiet for %s', (_n, a) => {
    expect(bundleSecret.audit({ secrets: a }, ctx).findings).toEqual([]);
  });
});

describe('secrets family', () => {
  it('declares every emitted rule, stage 1, blockers as in CATALOG.md', () => {
    const ids = family.rules.map((r) => r.id);
    expect(ids).toEqual(['secrets/committed-secret', 'secrets/history-secret', 'secrets/bundle-secret']);
    expect(family.audits.flatMap((a) => a.meta.emits).sort()).toEqual([...ids].sort());
    expect(family.rules.every((r) => r.stage === 1 && r.severity === 'blocker')).toBe(true);
  });
});
