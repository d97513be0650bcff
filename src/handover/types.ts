/**
 * The handover model: what the `handover` gatherer collects (HandoverArtifact: I/O facts from the
 * repository and the other gatherers) and what the handover audit publishes in
 * report.metrics.handover (HandoverSummary: those facts joined with the config's handover section).
 * The pack, the plan and `--from report.json` read only the summary, so a saved JSON report is
 * enough to write the pack again later. Names and locations only: no value of any variable.
 */
import type { MonitorArtifact } from '../audits/monitor/artifact.js';

/** The sections of the pack, in order. */
export const SECTION_IDS = ['product', 'domains', 'email', 'deploy', 'secrets', 'rollback', 'services', 'monitoring', 'risks', 'incident'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const SECTION_TITLES: Record<SectionId, string> = {
  product: 'Product and owners',
  domains: 'Domains and DNS',
  email: 'Email authentication',
  deploy: 'Deployment and environments',
  secrets: 'Environment variables and where secrets live',
  rollback: 'Rollback',
  services: 'Third-party services',
  monitoring: 'Monitoring and alerts',
  risks: 'Open risks and known issues',
  incident: 'Incidents: owner and escalation',
};

/** An env var name seen in the env files (never its value). */
export interface EnvKeyFact {
  key: string;
  /** Environments (env file names: production, staging, example...) that define it. */
  environments: string[];
  /** Its value or name looks like a credential in some environment. */
  secret: boolean;
}

export interface DetectedService {
  name: string;
  purpose: string;
  /** Where it was recognised: `env STRIPE_SECRET_KEY`, `package stripe (package.json)`, `email provider sendgrid`. */
  from: string[];
}

/** Published email-authentication records (as found in DNS). */
export interface EmailRecords {
  domain: string;
  spf: string | null;
  dmarc: string[];
  dmarcName: string;
  dkim: { selector: string; name: string; found: boolean; cname?: string; keyBits?: number }[];
  mx: { priority: number; exchange: string }[];
  nullMx: boolean;
  mtaSts: string | null;
  tlsRpt: string | null;
  providers: string[];
}

/** The `handover` artifact (src/gather/handover.ts). */
export interface HandoverArtifact {
  envKeys: EnvKeyFact[];
  /** Env file per environment name, repo-relative. */
  envFiles: Record<string, string>;
  detectedServices: DetectedService[];
  /** package.json files read for SDKs. */
  packagesScanned: number;
  ci: { path: string; provider: string; install: boolean; build: boolean }[] | null;
  rollbackDocs: string[];
  email: EmailRecords | null;
  monitor: MonitorArtifact | null;
  /** Production names (apex, www, subdomains) when domains are configured. */
  names: string[];
  /** The DNS gatherer answered (a domain map can be drawn). */
  dnsGathered: boolean;
}

export interface SectionStatus {
  filled: boolean;
  /** What is missing and which config key fills it. */
  gap?: string;
}

export interface ServiceEntry {
  name: string;
  purpose: string | null;
  billingOwner: string | null;
  credentials: string | null;
  url: string | null;
  plan: string | null;
  /** Listed in handover.services. */
  declared: boolean;
  detectedFrom: string[];
}

export interface SecretEntry {
  key: string;
  environments: string[];
  secret: boolean;
  /** Where its value lives (handover.secretLocations), null when nobody said. */
  location: string | null;
}

/** report.metrics.handover: everything the pack needs, secrets redacted. */
export interface HandoverSummary {
  product: { name: string | null; description: string | null; canonical: string | null; owners: Record<string, string> };
  incident: { owner: string | null; contacts: { name: string; role?: string; contact?: string }[]; runbook: string | null };
  deploy: {
    steps: string[];
    environments: { name: string; url?: string; platform?: string; branch?: string }[];
    ci: { path: string; provider: string; install: boolean; build: boolean }[];
    envFiles: Record<string, string>;
  };
  secrets: SecretEntry[];
  rollback: { steps: string[]; docs: string[] };
  services: ServiceEntry[];
  monitoring: {
    checks: { id: string; kind: string; role: string; target: string }[];
    channels: { name: string; type: string }[];
    escalation: { steps: { afterMs: number; notify: string[] }[]; repeatMs: number | null } | null;
    slos: { name: string; availability?: number; latency: boolean }[];
    dashboard: string | null;
    errorTracking: string[];
  } | null;
  email: EmailRecords | null;
  knownIssues: string[] | null;
  sections: Record<SectionId, SectionStatus>;
}
