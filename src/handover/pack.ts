/**
 * The handover pack as a format-neutral model: sections of headings, paragraphs, lists and tables.
 * Built from one report (report.metrics.handover, the domain map, the findings); the Markdown and
 * HTML writers only lay it out. Every section the report cannot fill says so as a gap, never blank.
 * Every string passes through redactSecrets once more before it reaches a writer.
 */
import type { Finding, Report } from '../core/types.js';
import { STAGE_NAMES } from '../core/types.js';
import type { DomainMap } from '../audits/dns/domain-map.js';
import type { EdgeMap } from '../report/domain-map.js';
import type { HandoverSummary, SectionId } from './types.js';
import { SECTION_IDS, SECTION_TITLES } from './types.js';
import { redactDeep } from './redact.js';

export type Block =
  | { kind: 'h'; text: string }
  | { kind: 'p'; text: string }
  | { kind: 'list'; items: string[]; ordered?: boolean }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'code'; text: string }
  | { kind: 'gap'; text: string };

export interface PackSection {
  id: SectionId;
  /** Markdown file name in the pack folder. */
  file: string;
  title: string;
  blocks: Block[];
  gaps: string[];
}

export interface Pack {
  title: string;
  product: string;
  generatedAt: string;
  report: { startedAt: string; verdict: Report['verdict']; score: number; tool: string };
  sections: PackSection[];
}

const FILES: Record<SectionId, string> = Object.fromEntries(SECTION_IDS.map((id, i) => [id, `${String(i + 1).padStart(2, '0')}-${id}.md`])) as Record<SectionId, string>;

const dash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '–' : v);
const yes = (b: boolean) => (b ? 'yes' : 'no');

function minutes(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

function isDomainMap(v: unknown): v is DomainMap {
  return !!v && typeof v === 'object' && Array.isArray((v as DomainMap).names) && Array.isArray((v as DomainMap).ns);
}

function isSummary(v: unknown): v is HandoverSummary {
  return !!v && typeof v === 'object' && 'sections' in v && 'secrets' in v && 'services' in v;
}

const NO_SUMMARY = 'the report has no handover facts: run `launchready audit` (it gathers them) and write the pack from that report';

/** Builds the pack from a report. `now` is the generation time (ISO), injected for golden tests. */
export function buildPack(report: Report, now: string): Pack {
  const summary = isSummary(report.metrics.handover) ? report.metrics.handover : null;
  const build: Record<SectionId, () => { blocks: Block[]; gaps: string[] }> = {
    product: () => productSection(report, summary),
    domains: () => domainsSection(report),
    email: () => emailSection(report, summary),
    deploy: () => deploySection(summary),
    secrets: () => secretsSection(summary),
    rollback: () => rollbackSection(summary),
    services: () => servicesSection(summary),
    monitoring: () => monitoringSection(summary),
    risks: () => risksSection(report, summary),
    incident: () => incidentSection(summary),
  };
  const sections = SECTION_IDS.map((id) => {
    const { blocks, gaps } = build[id]();
    return { id, file: FILES[id], title: SECTION_TITLES[id], blocks: [...gaps.map((g) => ({ kind: 'gap' as const, text: g })), ...blocks], gaps };
  });
  const product = summary?.product.name ?? summary?.product.canonical ?? 'the product';
  return redactDeep({
    title: `Handover pack: ${product}`,
    product,
    generatedAt: now,
    report: { startedAt: report.startedAt, verdict: report.verdict, score: report.score.overall, tool: `${report.tool.name} ${report.tool.version}` },
    sections,
  });
}

/** Every gap of the pack, by section (the index lists them; tests and `handover` print them). */
export function packGaps(pack: Pack): { section: string; gap: string }[] {
  return pack.sections.flatMap((s) => s.gaps.map((gap) => ({ section: s.title, gap })));
}

function productSection(report: Report, s: HandoverSummary | null) {
  if (!s) return { blocks: [], gaps: [NO_SUMMARY] };
  const blocks: Block[] = [];
  blocks.push({
    kind: 'table',
    head: ['', ''],
    rows: [
      ['Product', dash(s.product.name)],
      ['Production URL', dash(s.product.canonical)],
      ['Launch verdict', `${report.verdict} (score ${report.score.overall}/100, audit of ${report.startedAt})`],
    ],
  });
  if (s.product.description) blocks.push({ kind: 'p', text: s.product.description });
  const owners = Object.entries(s.product.owners);
  if (owners.length) {
    blocks.push({ kind: 'h', text: 'Owners' });
    blocks.push({ kind: 'table', head: ['Role', 'Person'], rows: owners.map(([r, p]) => [r, p]) });
  }
  return { blocks, gaps: s.sections.product.filled ? [] : [s.sections.product.gap!] };
}

function domainsSection(report: Report) {
  const map = report.metrics.domainMap;
  if (!isDomainMap(map)) return { blocks: [], gaps: ['no domain map in the report: configure domains (apex, canonical, subdomains) and run the audit'] };
  const edge = (report.metrics.edgeMap ?? {}) as EdgeMap;
  const blocks: Block[] = [];
  blocks.push({
    kind: 'table',
    head: ['', ''],
    rows: [
      ['Apex', dash(map.apex)],
      ['DNS provider', dash(map.dnsProvider)],
      ['Name servers', map.ns.length ? map.ns.join(', ') : '–'],
      ['SOA', map.soa ? `${map.soa.mname}, serial ${map.soa.serial}` : '–'],
    ],
  });
  const reg = report.metrics.registration as { expiresAt?: string; daysLeft?: number; registrar?: string } | undefined;
  if (reg?.expiresAt) blocks.push({ kind: 'p', text: `Registration: ${reg.registrar ? `at ${reg.registrar}, ` : ''}expires ${reg.expiresAt.slice(0, 10)} (${reg.daysLeft} days after the audit). Keep auto-renew on and the registrar's billing card current.` });
  blocks.push({ kind: 'h', text: 'Names' });
  blocks.push({
    kind: 'table',
    head: ['Name', 'DNS', 'CNAME chain', 'Addresses', 'Edge / hosting', 'Lands on (from http://)', 'Certificate', 'Expires'],
    rows: map.names.map((n) => {
      const e = edge[n.name];
      return [
        n.unicode ? `${n.name} (${n.unicode})` : n.name,
        n.rcode,
        n.cnameChain.length ? n.cnameChain.join(' → ') : '–',
        n.addresses.join(', ') || '–',
        [...new Set([n.edge?.provider, n.hosting?.provider].filter((x): x is string => !!x))].join(', ') || '–',
        e ? `${e.finalUrl}${e.chain.length > 1 ? ` (${e.chain.length - 1} redirect${e.chain.length > 2 ? 's' : ''})` : ''}` : '–',
        n.certificate ? `${n.certificate.issuer}${n.certificate.acmeIssuer ? ' (ACME)' : ''}` : n.tlsError ? `handshake failed: ${n.tlsError}` : '–',
        n.certificate ? `${n.certificate.validTo.slice(0, 10)} (${n.certificate.daysLeft} days)` : '–',
      ];
    }),
  });
  const sans = map.names.filter((n) => n.certificate?.subjectAltNames.length).map((n) => `${n.name}: ${n.certificate!.subjectAltNames.join(', ')}`);
  if (sans.length) {
    blocks.push({ kind: 'h', text: 'Certificate names (SANs)' });
    blocks.push({ kind: 'list', items: sans });
  }
  const cdn = [...new Set(map.names.flatMap((n) => [n.edge?.provider, n.hosting?.provider]).filter((p): p is string => !!p))];
  if (cdn.length) blocks.push({ kind: 'p', text: `Edge and hosting providers in front of these names: ${cdn.join(', ')}. Their dashboards hold the proxy, cache and TLS settings: note the account owner in the services section.` });
  return { blocks, gaps: [] };
}

function emailSection(report: Report, s: HandoverSummary | null) {
  if (!s) return { blocks: [], gaps: [NO_SUMMARY] };
  const e = s.email;
  if (!e) return { blocks: [], gaps: [s.sections.email.gap ?? 'no email records'] };
  const blocks: Block[] = [];
  blocks.push({ kind: 'p', text: `Mail is sent as ${e.domain}. Providers seen: ${e.providers.length ? e.providers.join(', ') : 'none recognised'}.` });
  const rows: string[][] = [
    ['SPF', e.domain, dash(e.spf)],
    ...e.dmarc.map((r) => ['DMARC', e.dmarcName, r]),
    ...(e.dmarc.length ? [] : [['DMARC', e.dmarcName, '– (none published)']]),
    ...e.dkim.map((d) => ['DKIM', d.name, d.found ? `${d.cname ? `CNAME → ${d.cname}` : 'key published'}${d.keyBits ? `, ${d.keyBits}-bit` : ''}` : 'not found']),
    ['MX', e.domain, e.nullMx ? 'null MX (does not receive mail)' : e.mx.map((m) => `${m.priority} ${m.exchange}`).join(', ') || '–'],
    ['MTA-STS', `_mta-sts.${e.domain}`, dash(e.mtaSts)],
    ['TLS-RPT', `_smtp._tls.${e.domain}`, dash(e.tlsRpt)],
  ];
  blocks.push({ kind: 'table', head: ['Record', 'Name', 'Published value'], rows });
  const spf = report.metrics.spf as { lookups?: number } | undefined;
  blocks.push({ kind: 'h', text: 'Adding a sending provider' });
  blocks.push({
    kind: 'list',
    ordered: true,
    items: [
      `Add the provider's include to the SPF record of ${e.domain}${typeof spf?.lookups === 'number' ? ` (it uses ${spf.lookups} of the 10 DNS lookups SPF allows; an include usually costs 1-4)` : ''}; keep one SPF record only.`,
      'Publish the DKIM selector(s) the provider gives you (usually CNAMEs under _domainkey) and turn on DKIM signing in its dashboard.',
      'Send a test message and check that SPF or DKIM aligns with the From domain (`launchready email verify <message.eml>`).',
      'Only then keep or tighten the DMARC policy; its aggregate reports (rua) show the new provider within a day.',
      `Run \`launchready email ${e.domain}\` to confirm.`,
    ],
  });
  return { blocks, gaps: [] };
}

function deploySection(s: HandoverSummary | null) {
  if (!s) return { blocks: [], gaps: [NO_SUMMARY] };
  const blocks: Block[] = [];
  const d = s.deploy;
  if (d.environments.length) {
    blocks.push({ kind: 'h', text: 'Environments' });
    blocks.push({ kind: 'table', head: ['Environment', 'URL', 'Runs on', 'Branch or tag'], rows: d.environments.map((e) => [e.name, dash(e.url), dash(e.platform), dash(e.branch)]) });
  }
  if (d.steps.length) {
    blocks.push({ kind: 'h', text: 'How a release reaches production' });
    blocks.push({ kind: 'list', ordered: true, items: d.steps });
  }
  if (d.ci.length) {
    blocks.push({ kind: 'h', text: 'CI workflows' });
    blocks.push({ kind: 'table', head: ['File', 'Provider', 'Clean install', 'Build'], rows: d.ci.map((c) => [c.path, c.provider, yes(c.install), yes(c.build)]) });
  }
  const files = Object.entries(d.envFiles);
  if (files.length) {
    blocks.push({ kind: 'h', text: 'Environment files' });
    blocks.push({ kind: 'table', head: ['Environment', 'File'], rows: files.map(([env, f]) => [env, f]) });
  }
  blocks.push({ kind: 'p', text: 'After every release: `launchready smoke` runs the core flows (signup, login, listing, message) against production and exits non-zero when one breaks.' });
  return { blocks, gaps: s.sections.deploy.filled ? [] : [s.sections.deploy.gap!] };
}

function secretsSection(s: HandoverSummary | null) {
  if (!s) return { blocks: [], gaps: [NO_SUMMARY] };
  const blocks: Block[] = [];
  blocks.push({ kind: 'p', text: 'Names and locations only: no value is written here. Rotate a credential at its provider, then update it in the location named.' });
  if (s.secrets.length) {
    blocks.push({
      kind: 'table',
      head: ['Variable', 'Defined in', 'Credential', 'Where the value lives'],
      rows: s.secrets.map((x) => [x.key, x.environments.join(', '), x.secret ? 'yes' : 'no', x.location ?? (x.secret ? 'UNKNOWN' : '–')]),
    });
  }
  return { blocks, gaps: s.sections.secrets.filled ? [] : [s.sections.secrets.gap!] };
}

function rollbackSection(s: HandoverSummary | null) {
  if (!s) return { blocks: [], gaps: [NO_SUMMARY] };
  const blocks: Block[] = [];
  if (s.rollback.steps.length) {
    blocks.push({ kind: 'p', text: 'When a release breaks a core flow, in this order:' });
    blocks.push({ kind: 'list', ordered: true, items: s.rollback.steps });
  }
  if (s.rollback.docs.length) blocks.push({ kind: 'p', text: `Also written down in the repository: ${s.rollback.docs.join(', ')}.` });
  return { blocks, gaps: s.sections.rollback.filled ? [] : [s.sections.rollback.gap!] };
}

function servicesSection(s: HandoverSummary | null) {
  if (!s) return { blocks: [], gaps: [NO_SUMMARY] };
  const blocks: Block[] = [];
  if (s.services.length) {
    blocks.push({
      kind: 'table',
      head: ['Service', 'Purpose', 'Billing owner', 'Credentials live in', 'Console', 'Recognised from'],
      rows: s.services.map((x) => [
        x.name + (x.declared ? '' : ' (not listed in config)'),
        dash(x.purpose),
        x.billingOwner ?? 'NOBODY',
        dash(x.credentials),
        dash(x.url),
        x.detectedFrom.length ? x.detectedFrom.slice(0, 3).join('; ') : '–',
      ]),
    });
  }
  const gaps = s.sections.services.filled ? [] : [s.sections.services.gap!];
  for (const x of s.services) if (!x.billingOwner) gaps.push(`${x.name} has no billing owner (handover.services[].billingOwner)`);
  return { blocks, gaps };
}

function monitoringSection(s: HandoverSummary | null) {
  if (!s) return { blocks: [], gaps: [NO_SUMMARY] };
  const m = s.monitoring;
  if (!m) return { blocks: [], gaps: [s.sections.monitoring.gap!] };
  const blocks: Block[] = [];
  if (m.dashboard) blocks.push({ kind: 'p', text: `Dashboard: ${m.dashboard}` });
  blocks.push({ kind: 'h', text: 'Checks' });
  blocks.push({ kind: 'table', head: ['Check', 'Kind', 'Watches', 'Target'], rows: m.checks.map((c) => [c.id, c.kind, c.role, c.target]) });
  blocks.push({ kind: 'h', text: 'Alert channels' });
  blocks.push(m.channels.length ? { kind: 'table', head: ['Channel', 'Type'], rows: m.channels.map((c) => [c.name, c.type]) } : { kind: 'p', text: 'None configured: alerts reach nobody.' });
  blocks.push({ kind: 'h', text: 'Escalation' });
  blocks.push(
    m.escalation && m.escalation.steps.length
      ? {
          kind: 'list',
          items: [
            ...m.escalation.steps.map((st) => `${st.afterMs === 0 ? 'At once' : `After ${minutes(st.afterMs)} unacknowledged`}: notify ${st.notify.join(', ')}`),
            ...(m.escalation.repeatMs ? [`Then repeat every ${minutes(m.escalation.repeatMs)} until acknowledged (\`launchready monitor ack <incident>\`)`] : []),
          ],
        }
      : { kind: 'p', text: 'No escalation policy: an ignored alert is never sent anywhere else.' },
  );
  blocks.push({ kind: 'h', text: 'Service level objectives' });
  blocks.push(
    m.slos.length
      ? { kind: 'list', items: m.slos.map((o) => `${o.name}${o.availability !== undefined ? `: ${o.availability}% of checks succeed` : ''}${o.latency ? ', with a latency objective' : ''}`) }
      : { kind: 'p', text: 'None defined.' },
  );
  if (m.errorTracking.length) blocks.push({ kind: 'p', text: `Error tracking: ${m.errorTracking.join('; ')}.` });
  return { blocks, gaps: m.checks.length ? [] : [s.sections.monitoring.gap!] };
}

function findingRow(f: Finding): string[] {
  return [f.severity, f.id, f.target, `${f.stage} ${STAGE_NAMES[f.stage]}`];
}

function risksSection(report: Report, s: HandoverSummary | null) {
  const blocks: Block[] = [];
  const deferred = report.findings.filter((f) => f.deferred);
  const live = report.findings.filter((f) => !f.deferred && f.severity !== 'info');
  const blockers = live.filter((f) => f.severity === 'blocker');
  const open = live.filter((f) => f.severity !== 'blocker');
  blocks.push({ kind: 'h', text: 'Launch blockers' });
  blocks.push(
    blockers.length
      ? { kind: 'table', head: ['Severity', 'Rule', 'Target', 'Stage'], rows: blockers.map(findingRow) }
      : { kind: 'p', text: 'None at the time of the audit.' },
  );
  blocks.push({ kind: 'h', text: 'Accepted risks (deferred)' });
  blocks.push(
    deferred.length
      ? {
          kind: 'table',
          head: ['Severity', 'Rule', 'Target', 'Reason', 'Accepted by', 'Until'],
          rows: deferred.map((f) => [f.severity, f.id, f.target, f.deferred!.reason, dash(f.deferred!.by), dash(f.deferred!.until)]),
        }
      : { kind: 'p', text: 'None: no finding was accepted (`launchready accept <finding> --reason "..."` records one).' },
  );
  blocks.push({ kind: 'h', text: 'Known issues' });
  if (s?.knownIssues?.length) blocks.push({ kind: 'list', items: s.knownIssues });
  else if (s?.knownIssues) blocks.push({ kind: 'p', text: 'None known (reviewed).' });
  else blocks.push({ kind: 'p', text: 'Not written down yet (handover.knownIssues).' });
  blocks.push({ kind: 'h', text: 'Other open findings' });
  blocks.push(
    open.length
      ? { kind: 'table', head: ['Severity', 'Rule', 'Target', 'Stage'], rows: open.map(findingRow) }
      : { kind: 'p', text: 'None.' },
  );
  const gaps = !s ? [NO_SUMMARY] : s.sections.risks.filled ? [] : [s.sections.risks.gap!];
  return { blocks, gaps };
}

function incidentSection(s: HandoverSummary | null) {
  if (!s) return { blocks: [], gaps: [NO_SUMMARY] };
  const blocks: Block[] = [];
  const i = s.incident;
  if (i.owner) blocks.push({ kind: 'p', text: `Incident owner: ${i.owner}` });
  if (i.contacts.length) {
    blocks.push({ kind: 'h', text: 'Escalation contacts, in order' });
    blocks.push({ kind: 'table', head: ['#', 'Name', 'Role', 'Contact'], rows: i.contacts.map((c, n) => [String(n + 1), c.name, dash(c.role), dash(c.contact)]) });
  }
  if (i.runbook) blocks.push({ kind: 'p', text: `Runbook: ${i.runbook}` });
  blocks.push({
    kind: 'list',
    ordered: true,
    items: [
      'Acknowledge the alert (`launchready monitor ack <incident>` or the link in the alert) so escalation stops.',
      'Check the dashboard and the failing check; run `launchready smoke` to see which core flow breaks.',
      'If the last release caused it, follow the rollback section.',
      'Write down what happened and what changes, within a day.',
    ],
  });
  return { blocks, gaps: s.sections.incident.filled ? [] : [s.sections.incident.gap!] };
}
