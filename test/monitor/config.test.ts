/** The monitor config section: every problem at once, each with its path. */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { formatDuration, parseDuration } from '../../src/monitor/duration.js';

describe('monitor config', () => {
  it('reports every cross-field problem with its path', () => {
    const r = configSchema.safeParse({
      monitor: {
        checks: [
          { id: 'a', kind: 'tcp', host: 'h', conditions: ['[STATUS] == 200'] },
          { id: 'a', kind: 'http', parent: 'nope' },
          { id: 'm', kind: 'mysql', conditions: ['[QUEUE_DEPTH] < 3'] },
        ],
        channels: { slack: { type: 'slack', webhookUrl: 'https://hooks.example.com/x' } },
        escalation: { steps: [{ after: '10 minutes', notify: ['pager'] }] },
        slos: [{ name: 's', checks: ['zzz'] }],
      },
    });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'monitor.checks.0.port: a tcp check needs port',
        expect.stringMatching(/^monitor\.checks\.0\.conditions: condition "\[STATUS\] == 200": a tcp check does not produce \[STATUS\]/),
        'monitor.checks.1.id: duplicate check id "a"',
        'monitor.checks.1.url: a http check needs url',
        'monitor.checks.1.parent: unknown parent check "nope"',
        'monitor.checks.2.url: a mysql check needs url',
        expect.stringMatching(/^monitor\.checks\.2\.conditions: condition "\[QUEUE_DEPTH\] < 3": a mysql check does not produce \[QUEUE_DEPTH\]/),
        'monitor.escalation.steps.0.notify.0: unknown channel "pager"; defined: slack',
        'monitor.slos.0: an SLO needs availability or latency',
        'monitor.slos.0.checks.0: unknown check "zzz"',
      ]),
    );
  });

  it('tells a PostgreSQL store from a SQLite file, and takes the schema from the URL', async () => {
    const { isPostgresUrl, parseStoreUrl } = await import('../../src/monitor/postgres.js');
    expect(['postgres://u@h/db', 'postgresql://h/db', '.launchready/monitor.db', ':memory:'].map(isPostgresUrl)).toEqual([true, true, false, false]);
    expect(parseStoreUrl('postgres://u:p@h:5432/db?schema=mon&sslmode=require')).toEqual({ url: 'postgres://u:p@h:5432/db?sslmode=require', schema: 'mon' });
    expect(configSchema.parse({ monitor: {} }).monitor!.standbyPoll).toBe('5s');
  });

  it('rejects a bad duration with an example', () => {
    const r = configSchema.safeParse({ monitor: { defaults: { interval: '10 minutes' } } });
    expect(r.error!.issues[0]!.message).toMatch(/duration such as 30s, 10m/);
  });

  it.each([['500ms', 500], ['30s', 30_000], ['10m', 600_000], ['336h', 1_209_600_000], ['30d', 2_592_000_000], ['1500', 1500]])('parses %s', (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });
  it('formats durations for messages', () => expect(formatDuration(5_400_000)).toBe('1h30m'));
});
