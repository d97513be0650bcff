/**
 * RFC 7208 conformance: every scenario of the OpenSPF/pyspf test suite
 * (../shared/conformance/rfc7208-tests.yml, read in place) through the harness's real DNS server
 * and the product's real DNS client. A missing suite file is a failure, never a skip.
 *
 * Zone conversion follows the suite's own driver (pyspf testspf.py): an `SPF` record is also
 * served as TXT unless the name has a `TXT` entry (`TXT: NONE` means "no TXT records"), and the
 * bare `TIMEOUT` marker makes the name time out. The harness models timeouts per name, not per
 * type, so a name with both records and TIMEOUT (only `spftimeout`, whose TIMEOUT applies to the
 * type-SPF query RFC 7208 no longer makes) keeps its records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startDnsServer, type DnsServerHandle, type RecordSpec, type ZoneSpec } from '../../src/harness/dns-server.js';
import { createDnsClient } from '../../src/net/dns.js';
import { checkSender } from '../../src/audits/email/spf/check-host.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUITE = path.resolve(repoRoot, '../shared/conformance/rfc7208-tests.yml');

interface SuiteTest {
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
  explanation?: string;
  spec?: string;
}
interface Scenario {
  description: string;
  tests: Record<string, SuiteTest>;
  zonedata?: Record<string, (Record<string, unknown> | string)[]>;
}

function loadSuite(): Scenario[] {
  if (!fs.existsSync(SUITE)) return [];
  return parseAllDocuments(fs.readFileSync(SUITE, 'utf8')).map((d) => d.toJS() as Scenario).filter((s) => s && s.tests);
}

/** YAML zonedata -> harness ZoneSpec, with the suite driver's SPF-as-TXT rule. */
export function toZoneSpec(zonedata: Scenario['zonedata']): ZoneSpec {
  const zones: ZoneSpec = {};
  for (const [name, entries] of Object.entries(zonedata ?? {})) {
    const recs: RecordSpec[] = [];
    const spf: RecordSpec[] = [];
    let hasTxt = false;
    let timeout = false;
    for (const e of entries) {
      if (e === 'TIMEOUT') { timeout = true; continue; }
      for (const [type, v] of Object.entries(e as Record<string, unknown>)) {
        switch (type) {
          case 'TXT':
            hasTxt = true;
            if (v !== 'NONE') recs.push({ type: 'TXT', value: v as string | string[] });
            break;
          case 'SPF':
            if (v !== 'NONE') spf.push({ type: 'TXT', value: v as string | string[] });
            break;
          case 'A': case 'AAAA': case 'PTR': case 'CNAME':
            for (const one of Array.isArray(v) ? v : [v]) recs.push({ type, value: String(one) });
            break;
          case 'MX': {
            const [priority, exchange] = v as [number, string];
            recs.push({ type: 'MX', priority, exchange: exchange === '' ? '.' : exchange });
            break;
          }
          default:
            throw new Error(`rfc7208-tests.yml: unsupported record type ${type} at ${name}`);
        }
      }
    }
    if (!hasTxt) recs.push(...spf);
    zones[name] = timeout && recs.length === 0 ? 'TIMEOUT' : recs;
  }
  return zones;
}

/**
 * Tests whose outcome is decided outside the SPF evaluator, with the result we get instead and why.
 * Each is asserted as written here, so a fix elsewhere makes the test fail until the entry goes.
 * (Also listed in docs/email.md.)
 */
const KNOWN_DEVIATIONS: Record<string, { got: string; why: string }> = {};

const scenarios = loadSuite();
let total = 0;
let passed = 0;

describe('RFC 7208 conformance suite', () => {
  it('suite file is present (../shared/conformance/rfc7208-tests.yml)', () => {
    expect(fs.existsSync(SUITE), `SPF conformance suite missing at ${SUITE}; it must be checked out beside the repo`).toBe(true);
    expect(scenarios.length).toBe(16);
  });

  for (const scenario of scenarios) {
    describe(scenario.description, () => {
      let server: DnsServerHandle;
      beforeAll(async () => {
        server = await startDnsServer({ zones: toZoneSpec(scenario.zonedata), host: '127.0.0.1', port: 0 });
      });
      afterAll(async () => { await server?.close(); });

      const cases = Object.entries(scenario.tests).map(([name, t]) => ({ name, ...t }));
      it.each(cases)('$name', async (t) => {
        total++;
        // A fresh client per test: the client caches for its lifetime, tests must not share answers.
        const dns = createDnsClient({ servers: [server.address], timeoutMs: 150, retries: 0 });
        try {
          const r = await checkSender({ ip: t.host, mailFrom: t.mailfrom, helo: t.helo }, { dns, now: () => 0 });
          const deviation = KNOWN_DEVIATIONS[t.name];
          if (deviation) {
            expect(r.result, `known deviation no longer happens, remove it: ${deviation.why}`).toBe(deviation.got);
            return;
          }
          const accepted = Array.isArray(t.result) ? t.result : [t.result];
          expect(accepted, `${t.name} (${t.spec}): got ${r.result} ${r.error?.message ?? ''}`).toContain(r.result);
          if (t.explanation !== undefined && r.result === 'fail') {
            // DEFAULT = the implementation's own default text, i.e. no exp= explanation.
            expect(r.explanation).toBe(t.explanation === 'DEFAULT' ? undefined : t.explanation);
          }
          passed++;
        } finally {
          dns.close();
        }
      });
    });
  }

  afterAll(() => {
    console.log(`RFC 7208 conformance: ${passed}/${total} passed (${Object.keys(KNOWN_DEVIATIONS).length} known deviation)`);
  });
});
