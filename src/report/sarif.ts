/**
 * SARIF 2.1.0 reporter (GitHub code scanning, Azure DevOps, VS Code SARIF viewer).
 * One run; `tool.driver.rules` holds one reportingDescriptor per rule id present in the
 * findings (wording from the catalog), each result points at its rule by id and index.
 * File findings get a physicalLocation; host/URL/table findings a logicalLocation.
 * Validated against the official OASIS schema in test/report/sarif.test.ts.
 */
import { STAGE_NAMES, type Finding, type Report, type RuleDef, type Severity } from '../core/types.js';
import type { RenderOptions } from './index.js';
import {
  TOOL_INFORMATION_URI,
  clean,
  cmp,
  docsUrl,
  evidenceLine,
  ruleFamily,
  ruleIndex,
  sortFindings,
  targetLabel,
} from './shared.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Key of our entry in `result.partialFingerprints`; bump the suffix if fingerprints change meaning. */
export const FINGERPRINT_KEY = 'launchready/v1';

type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): SarifLevel {
  switch (s) {
    case 'blocker':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
    case 'info':
      return 'note';
    default: {
      const never: never = s;
      throw new Error(`unknown severity ${String(never)}`);
    }
  }
}

/** `edge/hsts-missing` -> `HstsMissing` (SARIF's `name` is a readable, identifier-like label). */
function ruleName(id: string): string {
  const tail = id.slice(id.indexOf('/') + 1);
  return tail
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/**
 * `artifactLocation.uri` for a file path: forward slashes, no leading `./`, percent-encoded
 * (the schema's `uri-reference` format); absolute paths become `file://` URIs.
 */
export function fileUri(file: string): string {
  let p = file.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  const encoded = p
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
  if (/^[A-Za-z]:\//.test(p)) return `file:///${encoded.replace('%3A', ':')}`;
  return p.startsWith('/') ? `file://${encoded}` : encoded;
}

function descriptor(id: string, rule: RuleDef | undefined, example: Finding) {
  const severity = rule?.severity ?? example.severity;
  const stage = rule?.stage ?? example.stage;
  const remediation = rule?.remediation ?? example.remediation;
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: clean(rule?.title ?? example.title) },
    ...(rule ? { fullDescription: { text: clean(rule.why) } } : {}),
    help: { text: clean(remediation) },
    helpUri: docsUrl(example.docs),
    defaultConfiguration: { level: sarifLevel(severity) },
    properties: {
      tags: [ruleFamily(id), `stage-${stage}`],
      stage,
      stageName: STAGE_NAMES[stage],
      severity,
    },
  };
}

function location(f: Finding) {
  if (f.location?.file) {
    const region =
      f.location.line && f.location.line >= 1
        ? {
            region: {
              startLine: f.location.line,
              ...(f.location.column && f.location.column >= 1 ? { startColumn: f.location.column } : {}),
            },
          }
        : {};
    return { physicalLocation: { artifactLocation: { uri: fileUri(f.location.file) }, ...region } };
  }
  return { logicalLocations: [{ name: f.target, fullyQualifiedName: f.target, kind: 'resource' }] };
}

export function renderSarif(report: Report, opts: RenderOptions): string {
  const catalog = ruleIndex(opts.rules);
  const findings = sortFindings(report.findings);

  // Descriptors in id order, one per rule id present; the first finding stands in for
  // catalog wording when a rule is missing from the catalog (e.g. a report from a newer version).
  const ids = [...new Set(findings.map((f) => f.id))].sort(cmp);
  const rules = ids.map((id) => descriptor(id, catalog.get(id), findings.find((f) => f.id === id)!));
  const indexOf = new Map(ids.map((id, i) => [id, i]));

  const results = findings.map((f) => {
    const evidence = Object.keys(f.evidence).length ? ` (${evidenceLine(f.evidence)})` : '';
    return {
      ruleId: f.id,
      ruleIndex: indexOf.get(f.id)!,
      level: sarifLevel(f.severity),
      message: { text: `${clean(f.title)}: ${targetLabel(f)}${evidence}. ${clean(f.remediation)}` },
      locations: [location(f)],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
      ...(f.deferred
        ? // No `status`: the schema copy we validate against predates it (see test/report/sarif.test.ts);
          // an external suppression with a justification already means "accepted" to viewers.
          { suppressions: [{ kind: 'external', justification: clean(f.deferred.reason) }] }
        : {}),
      properties: {
        severity: f.severity,
        stage: f.stage,
        target: f.target,
        evidence: f.evidence,
      },
    };
  });

  const notifications = [
    ...(report.errors ?? []).map((e) => ({
      level: 'error',
      message: { text: `${clean(e.audit)}: ${clean(e.message)}` },
    })),
    ...report.skipped.map((s) => ({
      level: 'note',
      message: { text: `skipped ${clean(s.id)}: ${clean(s.reason)}` },
    })),
  ];

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: TOOL_INFORMATION_URI,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            ...(isIsoDate(report.startedAt) ? { startTimeUtc: report.startedAt } : {}),
            ...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results,
        properties: {
          verdict: report.verdict,
          score: report.score,
          failOn: opts.failOn,
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** The schema types `startTimeUtc` as date-time; leave it out rather than emit an invalid log. */
function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s);
}
