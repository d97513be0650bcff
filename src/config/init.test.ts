import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle } from '../harness/dns-server.js';
import { startHttpServer, type ServerHandle } from '../harness/http-servers.js';
import { createNet, defaultNetOptions } from '../net/index.js';
import type { Net } from '../net/types.js';
import { probeForInit, renderStarterConfig, type StarterInput } from './init.js';
import { parseConfigText } from './loader.js';

describe('renderStarterConfig', () => {
  it('shows a handover example that is a valid section once uncommented', () => {
    const text = renderStarterConfig({});
    const block = text.slice(text.indexOf('# handover:'), text.indexOf('\n\n', text.indexOf('# handover:'))).split('\n').map((l) => l.replace(/^# /, '')).join('\n');
    const config = parseConfigText(block, 'handover-example.yaml', {});
    expect(config.handover?.incident?.owner).toBe('Name <email>');
    expect(config.handover?.secretLocations).toEqual({ '*': 'host platform secrets', 'STRIPE_*': 'password manager vault' });
    expect(config.handover?.knownIssues).toEqual([]);
  });

  const full: StarterInput = {
    url: 'https://example.com',
    apex: 'example.com',
    canonical: 'https://www.example.com',
    subdomains: ['www', 'app', 'api'],
    emailDomain: 'example.com',
    staging: ['staging.example.com', '*.vercel.app'],
  };

  it.each<[string, StarterInput]>([
    ['nothing known', {}],
    ['apex only', { apex: 'example.com' }],
    ['everything probed', full],
    ['values YAML would mistype', { apex: 'null', subdomains: ['true', '0x1f', 'on'], staging: ['a,b', '[x]'] }],
  ])('validates with parseConfigText (%s)', (_name, input) => {
    const text = renderStarterConfig(input);
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/launchready/schema/launchready.schema.json');
    const config = parseConfigText(text, 'launchready.config.yaml', {});
    if (input.apex) {
      expect(config.domains).toEqual({
        apex: input.apex,
        ...(input.canonical ? { canonical: input.canonical } : {}),
        subdomains: input.subdomains ?? [],
        staging: input.staging ?? [],
      });
    } else {
      expect(config.domains).toBeUndefined();
    }
    expect(config.email?.domain).toBe(input.emailDomain);
    expect(config.active).toBe(false);
  });

  it('explains each section and leaves optional ones commented out', () => {
    const text = renderStarterConfig({ apex: 'example.com' });
    for (const section of ['email', 'env', 'database', 'network', 'rules']) expect(text).toMatch(new RegExp(`^# ${section}:`, 'm'));
    expect(text).toMatch(/^domains:/m);
    expect(text).toContain('#   url: "${DATABASE_URL}"');
    // Every active top-level key is preceded by a comment line.
    const lines = text.split('\n');
    lines.forEach((l, i) => {
      if (/^[a-z]+:/.test(l)) expect(lines[i - 1]).toMatch(/^#/);
    });
  });

  it('keeps a hostile URL on one comment line', () => {
    const text = renderStarterConfig({ url: 'https://x.test/\nactive: true' });
    expect(parseConfigText(text, 'x.yaml', {}).active).toBe(false);
  });
});

describe('probeForInit (real DNS server, HTTP server and net on loopback)', () => {
  let dns: DnsServerHandle;
  let web: ServerHandle;
  let net: Net;

  beforeAll(async () => {
    web = await startHttpServer({
      handler(req, res) {
        const host = String(req.headers.host ?? '');
        if (host.startsWith('example.test')) {
          res.writeHead(301, { location: `http://www.example.test:${web.port}/` }).end();
        } else res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>home</h1>');
      },
    });
    const a = [{ type: 'A' as const, value: '127.0.0.1' }];
    dns = await startDnsServer({
      zones: {
        'example.test': [...a, { type: 'MX', priority: 10, exchange: 'mx.example.test' }],
        'www.example.test': a,
        'app.example.test': a,
        'status.example.test': a,
        'staging.example.test': a,
        'nomail.test': a,
        'www.nomail.test': a,
        'nullmx.test': [...a, { type: 'MX', priority: 0, exchange: '.' }],
      },
    });
    net = createNet({ ...defaultNetOptions(), resolvers: [dns.address], timeoutMs: 2000 });
  });
  afterAll(async () => {
    await net?.close();
    await web?.close();
    await dns?.close();
  });

  it('follows redirects to the canonical origin and finds subdomains, staging hosts and MX', async () => {
    const r = await probeForInit(`http://example.test:${web.port}/`, net);
    expect(r).toEqual({
      url: `http://example.test:${web.port}/`,
      apex: 'example.test',
      canonical: `http://www.example.test:${web.port}`,
      subdomains: ['www', 'app', 'status'],
      staging: ['staging.example.test'],
      emailDomain: 'example.test',
      notes: [],
    });
    // The probe result makes a valid starter config.
    const config = parseConfigText(renderStarterConfig(r), 'x.yaml', {});
    expect(config.domains?.subdomains).toEqual(['www', 'app', 'status']);
    expect(config.email?.domain).toBe('example.test');
  });

  it.each([
    ['no MX', 'nomail.test', ['www']],
    ['null MX (RFC 7505)', 'nullmx.test', []],
  ])('sets no email domain with %s', async (_n, apex, subs) => {
    const r = await probeForInit(`http://${apex}:${web.port}/`, net);
    expect(r.apex).toBe(apex);
    expect(r.subdomains).toEqual(subs);
    expect(r.emailDomain).toBeUndefined();
  });

  it('still derives the apex when the site does not answer, and says why', async () => {
    const r = await probeForInit('http://www.unreachable.test:9/', net);
    expect(r.apex).toBe('unreachable.test');
    expect(r.canonical).toBeUndefined();
    expect(r.notes.join('\n')).toMatch(/could not fetch/);
  });
});
