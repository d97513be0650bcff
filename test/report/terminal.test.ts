import { describe, expect, it } from 'vitest';
import { render, type RenderOptions } from '../../src/report/index.js';
import { emptyReport, sampleReport, sampleRules } from '../helpers/sample-report.js';

const opts = (color: boolean): RenderOptions => ({ color, failOn: 'blocker', rules: sampleRules() });
// eslint-disable-next-line no-control-regex
const ANY_ESCAPE = /[\u001b\u009b]/;

describe('terminal reporter', () => {
  it('is plain text without colour: no escape or control characters at all', () => {
    const out = render('terminal', sampleReport(), opts(false));
    expect(out).not.toMatch(ANY_ESCAPE);
    // eslint-disable-next-line no-control-regex
    expect(out.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('colours with opts.color but never passes a target-supplied escape through', () => {
    const out = render('terminal', sampleReport(), opts(true));
    expect(out).toMatch(ANY_ESCAPE); // our own colours
    expect(out).not.toContain('\u001b[31mRED');
    expect(out).toContain('banner=RED');
  });

  it('shows verdict, overall score, every stage score and – for unassessed stages', () => {
    const out = render('terminal', sampleReport(), opts(false));
    expect(out).toContain('NOT READY');
    expect(out).toContain('SCORE 38/100');
    expect(out).toMatch(/1 quick audit\s+40/);
    expect(out).toMatch(/7 handover\s+–/);
  });

  it('shows the since-last-run line and the baseline diff', () => {
    const out = render('terminal', sampleReport(), opts(false));
    expect(out).toContain('2 fixed, 1 new, p95 of feed 410 -> 180 ms');
    expect(out).toContain('BASELINE baseline.json');
    expect(out).toContain('1 new, 1 fixed, 10 unchanged');
  });

  it('groups risks by severity, most severe first, then by stage', () => {
    const out = render('terminal', sampleReport(), opts(false));
    const at = (s: string): number => out.indexOf(s);
    expect(at('BLOCKER (2)')).toBeLessThan(at('HIGH (4)'));
    expect(at('HIGH (4)')).toBeLessThan(at('MEDIUM (3)'));
    expect(at('MEDIUM (3)')).toBeLessThan(at('LOW (1)'));
    expect(at('LOW (1)')).toBeLessThan(at('INFO (1)'));
    expect(at('secrets/committed-secret  ')).toBeLessThan(at('dns/dangling-cname  '));
  });

  it('prints target (file:line), evidence and fix for each finding', () => {
    const out = render('terminal', sampleReport(), opts(false));
    expect(out).toContain('target:   src/config/aws.ts:12:18');
    expect(out).toContain('evidence: kind=aws-secret-access-key fingerprint=sha256:3f9a1c2e prefix=wJal');
    expect(out).toContain('fix:      Rotate the credential');
  });

  it('numbers the launch sequence and lists skipped checks and audit errors', () => {
    const out = render('terminal', sampleReport(), opts(false));
    expect(out).toMatch(/LAUNCH SEQUENCE\n\s+1\. \[stage 1\] Rotate the committed AWS key/);
    expect(out).toContain('SKIPPED (2 checks)');
    expect(out).toContain('- db/superuser-app-role: no database.url in config');
    expect(out).toContain('email/dkim: resolver returned SERVFAIL');
  });

  it('reads well for a clean run', () => {
    const out = render('terminal', emptyReport(), opts(false));
    expect(out).toContain('READY');
    expect(out).toContain('No findings.');
    expect(out).toContain('Nothing to do before launch.');
    expect(out).not.toContain('SKIPPED');
    expect(out).not.toContain('Since last run');
  });
});
