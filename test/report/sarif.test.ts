/**
 * SARIF output validated against the SARIF 2.1.0 JSON schema in test/fixtures/ (draft-07,
 * $id .../oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json). Provenance: the copy
 * bundled in the npm package @datadog/datadog-ci-plugin-sarif 5.25.0, extracted verbatim and
 * pretty-printed. It matches the OASIS repository's Schemata/ file definition by definition
 * except that (a) the OASIS file's newest revision declares draft 2020-12 and uses a `(?i)`
 * regex JavaScript cannot compile, and (b) this copy names suppression.status `state`; our
 * output avoids that property so it is valid under both.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Report, Severity } from '../../src/core/types.js';
import { render } from '../../src/report/index.js';
import { fileUri, sarifLevel } from '../../src/report/sarif.js';
import { emptyReport, sampleReport, sampleRules } from '../helpers/sample-report.js';

// ajv-formats is CJS (`module.exports = plugin; exports.default = plugin`): under NodeNext the
// default import is the module object, whose typed callable is `.default`.
const addFormats = addFormatsModule.default;

const schemaPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sarif-schema-2.1.0.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const sarif = (r: Report = sampleReport()): Json =>
  JSON.parse(render('sarif', r, { color: false, failOn: 'blocker', rules: sampleRules() }));

describe('sarif reporter', () => {
  it('uses the official draft-07 schema', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toMatch(/oasis-tcs\/sarif-spec\/.*sarif-schema-2\.1\.0\.json$/);
  });

  it.each([
    ['sample report', sampleReport()],
    ['empty report', emptyReport()],
  ])('validates against the SARIF 2.1.0 schema: %s', (_name, report) => {
    const ok = validate(sarif(report));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the validator really rejects a broken log (guards the test above)', () => {
    const broken = sarif();
    broken.runs[0].results[0].level = 'fatal';
    delete broken.runs[0].tool.driver.name;
    expect(validate(broken)).toBe(false);
  });

  it('has one run with the tool driver and one rule descriptor per rule id present', () => {
    const log = sarif();
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/^https:\/\//);
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'launchready', version: '0.1.0' });
    expect(driver.informationUri).toMatch(/^https:\/\//);
    const ids = [...new Set(sampleReport().findings.map((f) => f.id))].sort();
    expect(driver.rules.map((r: Json) => r.id)).toEqual(ids);
    const hsts = driver.rules.find((r: Json) => r.id === 'edge/hsts-missing');
    expect(hsts).toMatchObject({
      name: 'HstsMissing',
      shortDescription: { text: 'HSTS header missing' },
      fullDescription: { text: expect.stringContaining('downgraded') },
      help: { text: expect.stringContaining('Strict-Transport-Security') },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['edge', 'stage-2'] },
    });
    expect(hsts.helpUri).toMatch(/^https:\/\/.*docs\/rules\.md#edgehsts-missing$/);
  });

  it.each<[Severity, string]>([
    ['blocker', 'error'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'note'],
    ['info', 'note'],
  ])('maps severity %s to level %s', (severity, level) => {
    expect(sarifLevel(severity)).toBe(level);
  });

  it('gives file findings a physicalLocation with a relative, forward-slash URI and region', () => {
    const results = sarif().runs[0].results as Json[];
    const secret = results.find((r) => r.ruleId === 'secrets/committed-secret');
    expect(secret.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'src/config/aws.ts' },
      region: { startLine: 12, startColumn: 18 },
    });
    const migration = results.find((r) => r.ruleId === 'migrations/index-not-concurrent');
    expect(migration.locations[0].physicalLocation.artifactLocation.uri).toBe('migrations/0007_listing_index.sql');
    expect(migration.locations[0].physicalLocation.region).toEqual({ startLine: 3 });
  });

  it('gives host/URL findings a logicalLocation with the target', () => {
    const results = sarif().runs[0].results as Json[];
    const dns = results.find((r) => r.ruleId === 'dns/dangling-cname');
    expect(dns.locations[0]).toEqual({
      logicalLocations: [{ name: 'shop.example.com', fullyQualifiedName: 'shop.example.com', kind: 'resource' }],
    });
  });

  it('carries level, ruleIndex, message and the stable fingerprint on every result', () => {
    const log = sarif();
    const rules = log.runs[0].tool.driver.rules as Json[];
    const results = log.runs[0].results as Json[];
    expect(results).toHaveLength(sampleReport().findings.length);
    for (const r of results) {
      expect(rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.partialFingerprints['launchready/v1']).toMatch(/^c0ffee/);
      expect(r.message.text.length).toBeGreaterThan(10);
      expect(r.message.text).not.toContain('\u001b');
    }
    expect(results.find((r) => r.ruleId === 'handover/service-without-owner').suppressions).toEqual([
      { kind: 'external', justification: 'owner named after the launch meeting' },
    ]);
  });

  it('still describes a rule that is missing from the catalog, from the finding itself', () => {
    const report = sampleReport();
    report.findings.push({ ...report.findings[0]!, id: 'future/new-rule', title: 'A rule from a newer version', fingerprint: 'x1' });
    const log = sarif(report);
    expect(validate(log)).toBe(true);
    const rule = log.runs[0].tool.driver.rules.find((r: Json) => r.id === 'future/new-rule');
    expect(rule.shortDescription.text).toBe('A rule from a newer version');
  });

  it.each([
    ['./src/a b.ts', 'src/a%20b.ts'],
    ['src\\win\\path.ts', 'src/win/path.ts'],
    ['/abs/file.ts', 'file:///abs/file.ts'],
    ['C:\\repo\\x.ts', 'file:///C:/repo/x.ts'],
    ['weird#name?.ts', 'weird%23name%3F.ts'],
  ])('file URI for %s is %s', (file, uri) => {
    expect(fileUri(file)).toBe(uri);
  });
});
