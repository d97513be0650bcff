import { describe, expect, it } from 'vitest';
import {
  clean,
  escapeHtml,
  escapeMd,
  escapeXml,
  evidenceLine,
  latencyMetrics,
  sortFindings,
  targetLabel,
  truncate,
} from '../../src/report/shared.js';
import { sampleReport } from '../helpers/sample-report.js';

describe('clean() removes what a hostile target could inject', () => {
  it.each([
    ['SGR colour', 'a\u001b[31mred\u001b[0mb', 'aredb'],
    ['cursor movement', 'x\u001b[2J\u001b[1;1Hy', 'xy'],
    ['OSC window title (BEL)', 'a\u001b]0;pwned\u0007b', 'ab'],
    ['OSC 8 hyperlink (ST)', 'a\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\b', 'alinkb'],
    ['8-bit CSI', 'a\u009b31mb', 'ab'],
    ['lone ESC', 'a\u001bb', 'a b'],
    ['newlines and tabs', 'line1\nline2\tx', 'line1 line2 x'],
    ['carriage return overwrite', 'safe\rEVIL', 'safe EVIL'],
    ['bidi override (Trojan Source)', 'abc\u202edcba', 'abc dcba'],
    ['NUL and DEL', 'a\u0000b\u007fc', 'a b c'],
  ])('%s', (_name, input, expected) => {
    expect(clean(input)).toBe(expected);
  });

  it.each([
    ['plain ASCII', 'https://www.example.com/a?b=c'],
    ['unicode text', 'café – 日本語 ✓ 🚀'],
    ['markup (escaped later, per format)', '<script>alert(1)</script>'],
  ])('keeps %s', (_name, input) => {
    expect(clean(input)).toBe(input);
  });
});

describe('escaping per format', () => {
  it('HTML escapes all five specials', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  it('XML drops characters XML 1.0 forbids', () => {
    expect(escapeXml('a\u0001b\u001b[1mc<')).toBe('a bc&lt;');
  });
  it('Markdown escapes table pipes, emphasis, links and raw HTML', () => {
    expect(escapeMd('a|b *c* _d_ [e](f) <img> &amp;')).toBe('a\\|b \\*c\\* \\_d\\_ \\[e\\](f) &lt;img> &amp;amp;');
  });
});

describe('evidence and targets', () => {
  it('renders evidence as key=value, quoting values with spaces, cutting long ones', () => {
    const line = evidenceLine({ n: 1, s: 'two words', arr: ['a', 'b'], obj: { k: 1 }, nil: null, long: 'x'.repeat(100) });
    expect(line).toContain('n=1 s="two words" arr=a,b obj={"k":1} nil=null long=xxx');
    expect(line).toMatch(/x…/);
    expect(evidenceLine({ big: 'y'.repeat(50), b2: 'y'.repeat(50), b3: 'y'.repeat(50), b4: 'y'.repeat(50) }).length).toBeLessThanOrEqual(160);
  });

  it('shows file:line:column with forward slashes for file findings', () => {
    const [secret] = sampleReport().findings;
    expect(targetLabel(secret!)).toBe('src/config/aws.ts:12:18');
    const migration = sampleReport().findings.find((f) => f.id === 'migrations/index-not-concurrent')!;
    expect(targetLabel(migration)).toBe('migrations/0007_listing_index.sql:3');
  });

  it('truncates by code points, not UTF-16 units', () => {
    expect(truncate('🚀🚀🚀🚀', 3)).toBe('🚀🚀…');
    expect(truncate('abc', 3)).toBe('abc');
  });
});

describe('ordering and metrics', () => {
  it('sorts by severity, then stage, then id', () => {
    const sorted = sortFindings(sampleReport().findings).map((f) => `${f.severity}:${f.stage}:${f.id}`);
    expect(sorted.slice(0, 3)).toEqual([
      'blocker:1:secrets/committed-secret',
      'blocker:2:dns/dangling-cname',
      'high:2:edge/hsts-missing',
    ]);
    expect(sorted.at(-1)).toBe('info:3:headers/referrer-policy-missing');
  });

  it('picks only latency-shaped metrics', () => {
    const metrics = latencyMetrics({
      ...sampleReport().metrics,
      notLatency: { kind: 'counter', name: 'x' },
      brokenLatency: { kind: 'latency', name: 'y', buckets: [], p50: 'fast' },
    });
    expect(metrics.map((m) => m.key)).toEqual(['latency.feed']);
    expect(metrics[0]!.buckets).toHaveLength(7);
  });
});
