/**
 * handover/* rules: fires / stays quiet, on built artifacts (no I/O), plus the summary they share:
 * secret locations by pattern, declared vs detected services, and redaction of credentials that a
 * person (or ${VAR} interpolation) put into the handover section.
 */
import { describe, expect, it } from 'vitest';
import { configSchema, type LaunchreadyConfigInput } from '../../src/config/schema.js';
import type { HandoverArtifact } from '../../src/handover/types.js';
import { buildSummary, locationOf } from '../../src/handover/summary.js';
import { redactSecrets, safeUrl } from '../../src/handover/redact.js';
import { detectServices } from '../../src/gather/handover.js';
import incidentOwner from '../../src/audits/handover/incident-owner.js';
import serviceOwner from '../../src/audits/handover/service-owner.js';
import incomplete from '../../src/audits/handover/incomplete.js';
import { randomBytes } from 'node:crypto';
import { NOW } from '../helpers/builders.js';

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const base62 = (n: number) => [...randomBytes(n)].map((b) => B62[b % 62]).join('');

function artifact(o: Partial<HandoverArtifact> = {}): HandoverArtifact {
  return {
    envKeys: [
      { key: 'DATABASE_URL', environments: ['production', 'staging'], secret: true },
      { key: 'LOG_LEVEL', environments: ['production'], secret: false },
    ],
    envFiles: { production: '.env.production', staging: '.env.staging' },
    detectedServices: [],
    packagesScanned: 1,
    ci: [{ path: '.github/workflows/ci.yml', provider: 'github-actions', install: true, build: true }],
    rollbackDocs: [],
    email: null,
    monitor: null,
    names: ['example.com', 'www.example.com'],
    dnsGathered: true,
    ...o,
  };
}

const config = (c: LaunchreadyConfigInput) => configSchema.parse(c);

const COMPLETE: LaunchreadyConfigInput = {
  name: 'Shop',
  domains: { apex: 'example.com' },
  email: { domain: 'example.com' },
  handover: {
    owners: { product: 'Ana <ana@example.com>' },
    incident: { owner: 'Ben <ben@example.com>', contacts: [{ name: 'Ben', contact: '+1 555 0100' }] },
    deploy: { steps: ['git push fly main'] },
    secretLocations: { '*': 'Fly.io secrets' },
    services: [{ name: 'Stripe', billingOwner: 'Ana' }],
    knownIssues: [],
    rollback: ['fly deploy --image previous'],
  },
  monitor: { checks: [{ id: 'home', kind: 'http', url: 'https://www.example.com/' }] } as never,
};

describe('handover/no-incident-owner', () => {
  it('fires when nobody is named', () => {
    const r = incidentOwner.audit({ handover: artifact() }, { config: config({ handover: { incident: { contacts: [{ name: 'x' }] } } }), now: NOW });
    expect(r.findings).toEqual([expect.objectContaining({ rule: 'handover/no-incident-owner', target: 'handover.incident.owner', evidence: { contacts: 1, runbook: false } })]);
  });
  it('fires when there is no handover section at all', () => {
    expect(incidentOwner.audit({ handover: artifact() }, { config: config({}), now: NOW }).findings).toHaveLength(1);
  });
  it('stays quiet with an owner', () => {
    expect(incidentOwner.audit({ handover: artifact() }, { config: config(COMPLETE), now: NOW }).findings).toEqual([]);
  });
});

describe('handover/service-without-owner', () => {
  it('fires for a declared service without billing owner', () => {
    const r = serviceOwner.audit({ handover: artifact() }, { config: config({ handover: { services: [{ name: 'Postmark', purpose: 'mail' }] } }), now: NOW });
    expect(r.findings).toEqual([expect.objectContaining({ target: 'Postmark', evidence: expect.objectContaining({ missing: 'billingOwner' }) })]);
  });
  it('fires for a service detected in env names or packages that the config does not list', () => {
    const detected = detectServices([{ key: 'TWILIO_AUTH_TOKEN', environments: ['production'], secret: true }], [['@sentry/node', 'package.json']], ['sendgrid']);
    expect(detected.map((d) => d.name)).toEqual(['SendGrid', 'Sentry', 'Twilio']);
    const r = serviceOwner.audit({ handover: artifact({ detectedServices: detected }) }, { config: config(COMPLETE), now: NOW });
    expect(r.findings.map((f) => f.target)).toEqual(['SendGrid', 'Sentry', 'Twilio']);
    expect(r.findings[2]!.evidence).toMatchObject({ listed: false, detectedFrom: ['env TWILIO_AUTH_TOKEN'] });
    expect(r.findings[2]!.remediation).toContain('handover.services does not list it');
  });
  it('stays quiet when a detected service is declared under its name or an alias, with an owner', () => {
    const detected = detectServices([{ key: 'SENDINBLUE_API_KEY', environments: ['production'], secret: true }], [['stripe', 'package.json']], []);
    const c = config({ handover: { services: [{ name: 'stripe', billingOwner: 'Ana' }, { name: 'Brevo', billingOwner: 'Ana' }] } });
    expect(serviceOwner.audit({ handover: artifact({ detectedServices: detected }) }, { config: c, now: NOW }).findings).toEqual([]);
  });
});

describe('handover/incomplete', () => {
  it('stays quiet for a complete handover section, and publishes the summary', () => {
    const r = incomplete.audit({ handover: artifact({ email: { domain: 'example.com', spf: 'v=spf1 -all', dmarc: [], dmarcName: '_dmarc.example.com', dkim: [], mx: [], nullMx: false, mtaSts: null, tlsRpt: null, providers: [] }, monitor: monitorArtifact() }) }, { config: config(COMPLETE), now: NOW });
    expect(r.findings).toEqual([]);
    expect((r.metrics!.handover as { sections: Record<string, { filled: boolean }> }).sections.secrets.filled).toBe(true);
  });
  it('fires once per empty section, naming the key that fills it; rollback and incident are left to their own rules', () => {
    const r = incomplete.audit({ handover: artifact({ ci: [], envKeys: [{ key: 'STRIPE_SECRET_KEY', environments: ['production'], secret: true }] }) }, { config: config({}), now: NOW });
    const sections = r.findings.map((f) => (f.evidence as { section: string }).section);
    expect(sections).toEqual(['product', 'email', 'deploy', 'secrets', 'services', 'monitoring', 'risks']);
    const secrets = r.findings.find((f) => (f.evidence as { section: string }).section === 'secrets')!;
    expect(secrets.target).toBe('handover: environment variables and where secrets live');
    expect(String((secrets.evidence as { missing: string }).missing)).toContain('STRIPE_SECRET_KEY');
    expect(String((secrets.evidence as { missing: string }).missing)).toContain('handover.secretLocations');
  });
  it('counts an explicit empty known-issues list as reviewed', () => {
    const base = { handover: { knownIssues: [] as string[] } };
    const r = incomplete.audit({ handover: artifact() }, { config: config(base), now: NOW });
    expect(r.findings.map((f) => (f.evidence as { section: string }).section)).not.toContain('risks');
  });
});

describe('summary', () => {
  it('finds secret locations: exact name, then the longest pattern', () => {
    const loc = { '*': 'host', 'STRIPE_*': 'vault', STRIPE_WEBHOOK_SECRET: 'CI' };
    expect(locationOf('STRIPE_WEBHOOK_SECRET', loc)).toBe('CI');
    expect(locationOf('STRIPE_SECRET_KEY', loc)).toBe('vault');
    expect(locationOf('DATABASE_URL', loc)).toBe('host');
    expect(locationOf('DATABASE_URL', { 'STRIPE_*': 'vault' })).toBeNull();
  });

  it('never carries a credential that was pasted (or interpolated) into the handover section', () => {
    const live = 'sk_live_' + base62(32);
    const odd = 'sk_live_' + '51HxQbC2eZvKYlo2CabcdefghijklmnopQRSTUV'; // looks like a docs example to the detectors
    const pg = 'postgres://app:' + 'S3cr3tPassw0rdValue9' + '@db.example.com:5432/app';
    const c = config({
      ...COMPLETE,
      handover: {
        ...COMPLETE.handover,
        services: [{ name: 'Stripe', billingOwner: 'Ana', credentials: `the key is ${live}`, plan: `old key ${odd}`, url: 'https://admin:hunter2hunter2@dash.example.com/x?token=abcdef123456' }],
        deploy: { steps: [`psql ${pg} -f migrate.sql`], environments: [{ name: 'production', url: 'https://u:p4ssw0rd@www.example.com/?k=v' }] },
      },
    });
    const s = buildSummary(artifact(), c);
    const text = JSON.stringify(s);
    expect(text).not.toContain(live);
    expect(text).not.toContain(odd);
    expect(text).not.toContain('S3cr3tPassw0rdValue9');
    expect(text).not.toContain('hunter2hunter2');
    expect(text).not.toContain('p4ssw0rd');
    expect(text).not.toContain('token=');
    expect(text).toContain('[redacted Stripe');
    expect(s.services[0]!.url).toBe('https://dash.example.com/x (query removed)');
  });

  it('redaction leaves ordinary text alone and keeps what surrounds a hit', () => {
    expect(redactSecrets('1Password vault "Market prod", item Stripe')).toBe('1Password vault "Market prod", item Stripe');
    const key = 'AKIA' + 'Z7QK3LMN4OPQ5RST';
    const out = redactSecrets(`before ${key} after`);
    expect(out.startsWith('before [redacted')).toBe(true);
    expect(out.endsWith(' after')).toBe(true);
    expect(out).not.toContain(key);
    expect(safeUrl('not a url')).toBe('not a url');
  });
});

function monitorArtifact() {
  return {
    configured: true,
    checks: [{ id: 'home', kind: 'http', role: 'homepage' as const, target: 'https://www.example.com/' }],
    channels: [{ name: 'ops', type: 'email' }],
    escalation: null,
    slos: [],
    errorTracking: { config: [], dependencies: [], envKeys: [], scanned: 0, applicable: true },
    channelTests: null,
  };
}
