/**
 * JUnit structure checks. That the XML is well-formed is checked with Chromium's DOMParser
 * in html.browser.test.ts (Node has no XML parser built in).
 */
import { describe, expect, it } from 'vitest';
import type { FailOn, Report } from '../../src/core/types.js';
import { render } from '../../src/report/index.js';
import { emptyReport, sampleReport, sampleRules } from '../helpers/sample-report.js';

const junit = (failOn: FailOn, r: Report = sampleReport()): string => render('junit', r, { color: false, failOn, rules: sampleRules() });
const count = (xml: string, re: RegExp): number => (xml.match(re) ?? []).length;

describe('junit reporter', () => {
  it('writes one testsuite per stage (plus other and audit errors)', () => {
    const xml = junit('blocker');
    for (let s = 1; s <= 7; s++) expect(xml).toContain(`<testsuite name="stage ${s}: `);
    expect(xml).toContain('<testsuite name="other"');
    expect(xml).toContain('<testsuite name="audit errors"');
  });

  it('writes one testcase per checked (rule, target) and per finding', () => {
    const xml = junit('blocker');
    // 7 checked pairs, 7 findings not among them (4 are), 2 skipped ids, 1 audit error.
    expect(count(xml, /<testcase /g)).toBe(7 + 7 + 2 + 1);
    expect(xml).toContain('<testcase name="dns/dangling-cname [www.example.com]"');
    expect(xml).toMatch(/<testsuites [^>]*tests="17"/);
  });

  it.each<[FailOn, number]>([
    ['blocker', 2],
    ['high', 6],
    ['medium', 9],
    ['low', 10],
    ['never', 0],
  ])('with --fail-on %s, %i findings are <failure>s', (failOn, failures) => {
    const xml = junit(failOn);
    expect(count(xml, /<failure /g)).toBe(failures);
    expect(xml).toMatch(new RegExp(`<testsuites [^>]*failures="${failures}"`));
  });

  it('marks skipped checks and audit errors', () => {
    const xml = junit('blocker');
    expect(xml).toContain('<skipped message="no database.url in config"/>');
    expect(count(xml, /<skipped /g)).toBe(2);
    expect(xml).toContain('<error message="resolver returned SERVFAIL for s1._domainkey.example.com" type="audit-error"/>');
  });

  it('escapes hostile text and drops characters XML 1.0 forbids', () => {
    const xml = junit('low');
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<img');
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('falls back to findings plus passed ids when `checked` is absent', () => {
    const { checked: _ignored, ...older } = sampleReport();
    const xml = junit('blocker', older as Report);
    // 11 findings + 3 passed ids + 2 skipped + 1 error
    expect(count(xml, /<testcase /g)).toBe(11 + 3 + 2 + 1);
    expect(xml).toContain('<testcase name="email/dmarc-missing" classname="launchready.other.email"/>');
  });

  it('is a passing suite for a clean run', () => {
    const xml = junit('low', emptyReport());
    expect(count(xml, /<failure /g)).toBe(0);
    expect(count(xml, /<testcase /g)).toBe(3);
    expect(xml).toMatch(/<testsuites [^>]*failures="0" errors="0"/);
  });
});
