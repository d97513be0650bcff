/**
 * The handover summary: the handover artifact joined with the config's handover section, secrets
 * redacted, and the completeness of every section of the pack. Pure; the handover audits call it and
 * publish it as report.metrics.handover, which is all the pack needs.
 */
import type { LaunchreadyConfig } from '../config/schema.js';
import type { HandoverArtifact, HandoverSummary, SecretEntry, SectionId, SectionStatus, ServiceEntry } from './types.js';
import { SECTION_IDS } from './types.js';
import { findService, serviceKey } from './services.js';
import { redactDeep, redactSecrets, safeUrl } from './redact.js';

/** Converts a secretLocations pattern (`STRIPE_*`, `*`) to a test. */
function patternTest(p: string): (key: string) => boolean {
  if (!p.includes('*')) return (k) => k === p;
  const re = new RegExp(`^${p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (k) => re.test(k);
}

/** Where a key's value lives: an exact entry wins, then the longest matching pattern. */
export function locationOf(key: string, locations: Record<string, string>): string | null {
  if (locations[key] !== undefined) return locations[key]!;
  let best: { len: number; loc: string } | null = null;
  for (const [p, loc] of Object.entries(locations)) {
    if (!p.includes('*') || !patternTest(p)(key)) continue;
    const len = p.replace(/\*/g, '').length;
    if (!best || len > best.len) best = { len, loc };
  }
  return best?.loc ?? null;
}

function monitorTarget(t: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? safeUrl(t) : redactSecrets(t);
}

export function buildSummary(artifact: HandoverArtifact, config: LaunchreadyConfig): HandoverSummary {
  const h = config.handover;
  const locations = h?.secretLocations ?? {};

  const secrets: SecretEntry[] = artifact.envKeys.map((k) => ({
    key: k.key,
    environments: k.environments,
    secret: k.secret,
    location: locationOf(k.key, locations),
  }));

  // Declared services first (in the order written), then detected ones nobody declared.
  const services: ServiceEntry[] = (h?.services ?? []).map((s) => ({
    name: s.name,
    purpose: s.purpose ?? findService(s.name)?.purpose ?? null,
    billingOwner: s.billingOwner ?? null,
    credentials: s.credentials ?? null,
    url: s.url ? safeUrl(s.url) : null,
    plan: s.plan ?? null,
    declared: true,
    detectedFrom: [],
  }));
  for (const d of artifact.detectedServices) {
    const def = findService(d.name);
    const keys = new Set([serviceKey(d.name), ...(def?.aliases ?? []).map(serviceKey)]);
    const declared = services.find((s) => keys.has(serviceKey(s.name)) || (findService(s.name) && findService(s.name) === def));
    if (declared) declared.detectedFrom = d.from;
    else services.push({ name: d.name, purpose: d.purpose, billingOwner: null, credentials: null, url: null, plan: null, declared: false, detectedFrom: d.from });
  }

  const m = artifact.monitor;
  const monitoring =
    m && m.configured
      ? {
          checks: m.checks.map((c) => ({ ...c, target: monitorTarget(c.target) })),
          channels: m.channels,
          escalation: m.escalation,
          slos: m.slos,
          dashboard: config.monitor?.publicUrl ? safeUrl(config.monitor.publicUrl) : null,
          errorTracking: [...m.errorTracking.config, ...m.errorTracking.dependencies, ...m.errorTracking.envKeys],
        }
      : null;

  const summary: Omit<HandoverSummary, 'sections'> = {
    product: {
      name: config.name ?? null,
      description: h?.product ?? null,
      canonical: config.domains?.canonical ?? null,
      owners: h?.owners ?? {},
    },
    incident: {
      owner: h?.incident?.owner ?? null,
      contacts: h?.incident?.contacts ?? [],
      runbook: h?.incident?.runbook ?? null,
    },
    deploy: {
      steps: h?.deploy?.steps ?? [],
      environments: (h?.deploy?.environments ?? []).map((e) => ({ ...e, ...(e.url ? { url: safeUrl(e.url) } : {}) })),
      ci: artifact.ci ?? [],
      envFiles: artifact.envFiles,
    },
    secrets,
    rollback: { steps: h?.rollback ?? [], docs: artifact.rollbackDocs },
    services,
    monitoring,
    email: artifact.email,
    knownIssues: h?.knownIssues ?? null,
  };
  const redacted = redactDeep(summary);
  return { ...redacted, sections: sectionStatus(redacted, artifact, config) };
}

function sectionStatus(s: Omit<HandoverSummary, 'sections'>, a: HandoverArtifact, config: LaunchreadyConfig): Record<SectionId, SectionStatus> {
  const filled = (ok: boolean, gap: string): SectionStatus => (ok ? { filled: true } : { filled: false, gap });
  const unlocated = s.secrets.filter((x) => x.secret && !x.location);
  const st: Record<SectionId, SectionStatus> = {
    product: filled(Object.keys(s.product.owners).length > 0, 'nobody is named as owner: add handover.owners (product: "Name <email>", engineering: ...)'),
    domains: filled(a.names.length > 0 && a.dnsGathered, config.domains ? 'the DNS answers could not be gathered' : 'no domains section in the config'),
    email: filled(s.email !== null, config.email || config.domains ? 'the email records could not be read' : 'no email (or domains) section in the config'),
    deploy: filled(s.deploy.steps.length > 0 || s.deploy.ci.length > 0, 'no deploy steps (handover.deploy.steps) and no CI workflow found in the repository'),
    secrets: filled(
      s.secrets.length > 0 && unlocated.length === 0,
      s.secrets.length === 0
        ? 'no environment variables known: configure env.files (or repo.path with .env files)'
        : `${unlocated.length} secret variable(s) without a location (${unlocated.slice(0, 5).map((x) => x.key).join(', ')}${unlocated.length > 5 ? ', ...' : ''}): add handover.secretLocations`,
    ),
    rollback: filled(s.rollback.steps.length > 0 || s.rollback.docs.length > 0, 'no rollback steps: add handover.rollback or a ROLLBACK.md'),
    services: filled(s.services.length > 0, 'no third-party services listed or detected: add handover.services'),
    monitoring: filled(s.monitoring !== null && s.monitoring.checks.length > 0, 'no monitor checks configured: add a monitor section'),
    risks: filled(s.knownIssues !== null, 'known issues were never written down: add handover.knownIssues ([] when there are none)'),
    incident: filled(s.incident.owner !== null, 'nobody is named to handle incidents: add handover.incident.owner'),
  };
  return Object.fromEntries(SECTION_IDS.map((id) => [id, st[id]])) as Record<SectionId, SectionStatus>;
}
