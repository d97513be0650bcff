/**
 * `launchready email <domain>` and `launchready email verify` end to end, in-process: the harness
 * DNS server, an HTTPS server for the MTA-STS policy files (certificates from a CA made on the
 * fly), DKIM keys generated here and a message signed here with nodemailer.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle } from '../../src/harness/dns-server.js';
import { createCertAuthority } from '../../src/harness/certs.js';
import { startHttpsServer, type ServerHandle } from '../../src/harness/http-servers.js';
import type { Report } from '../../src/core/types.js';
import { cli } from '../helpers/cli.js';

const ADDR = '127.0.0.51';
let dir: string;
let dns: DnsServerHandle;
let https: ServerHandle;
let net: string[];

const key = () => {
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { k, p: k.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
};

const POLICIES: Record<string, string> = {
  'mta-sts.shop.test': 'version: STSv1\r\nmode: enforce\r\nmx: mx1.shop.test\r\nmax_age: 604800\r\n',
  // Enforce mode, but the backup MX is not listed: senders would refuse to deliver there.
  'mta-sts.bad.test': 'version: STSv1\nmode: enforce\nmx: mx.bad.test\nmax_age: 86400\n',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lr-email-cli-'));
  const ca = await createCertAuthority({ name: 'Email Test Root' });
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  const certs = Object.fromEntries(await Promise.all(Object.keys(POLICIES).map(async (n) => [n, await ca.issue({ names: [n] })] as const)));
  https = await startHttpsServer({
    host: ADDR, cert: certs['mta-sts.shop.test']!, sni: certs,
    handler: (req, res) => {
      const body = POLICIES[(req.headers.host ?? '').split(':')[0]!];
      if (!body || req.url !== '/.well-known/mta-sts.txt') { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    },
  });
  const sg = key();
  const google = key();
  const own = key();
  writeFileSync(join(dir, 'own.key'), own.k.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  dns = await startDnsServer({
    zones: {
      'shop.test': [
        { type: 'TXT', value: 'v=spf1 include:sendgrid.net include:_spf.google.com -all' },
        { type: 'MX', priority: 10, exchange: 'mx1.shop.test' },
      ],
      'sendgrid.net': [{ type: 'TXT', value: 'v=spf1 ip4:167.89.0.0/17 -all' }],
      '_spf.google.com': [{ type: 'TXT', value: 'v=spf1 ip4:35.190.247.0/24 -all' }],
      's1._domainkey.shop.test': [{ type: 'CNAME', value: 's1.domainkey.u1.wl.sendgrid.net' }],
      's1.domainkey.u1.wl.sendgrid.net': [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${sg.p}` }],
      // The key split into two character-strings, as DNS consoles publish long keys.
      'google._domainkey.shop.test': [{ type: 'TXT', value: ['v=DKIM1; k=rsa; ', `p=${google.p}`] }],
      'lr1._domainkey.shop.test': [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${own.p}` }],
      '_dmarc.shop.test': [{ type: 'TXT', value: 'v=DMARC1; p=reject; rua=mailto:dmarc@shop.test' }],
      '_mta-sts.shop.test': [{ type: 'TXT', value: 'v=STSv1; id=20261130' }],
      '_smtp._tls.shop.test': [{ type: 'TXT', value: 'v=TLSRPTv1; rua=mailto:tls@shop.test' }],
      'mta-sts.shop.test': [{ type: 'A', value: ADDR }],

      'bad.test': [
        { type: 'TXT', value: ['v=spf1 include:loop-a.bad.test ', 'include:spf.mtasv.net ~all'] },
        { type: 'MX', priority: 10, exchange: 'mx.bad.test' },
        { type: 'MX', priority: 20, exchange: 'backup.elsewhere.test' },
      ],
      'loop-a.bad.test': [{ type: 'TXT', value: 'v=spf1 include:loop-b.bad.test -all' }],
      'loop-b.bad.test': [{ type: 'TXT', value: 'v=spf1 include:loop-a.bad.test -all' }],
      'spf.mtasv.net': [{ type: 'TXT', value: 'v=spf1 ip4:50.31.156.0/24 -all' }],
      '_dmarc.bad.test': [{ type: 'TXT', value: 'v=DMARC1; p=quarantine; pct=50; rua=mailto:d@bad.test' }],
      '_mta-sts.bad.test': [{ type: 'TXT', value: 'v=STSv1; id=1' }],
      'mta-sts.bad.test': [{ type: 'A', value: ADDR }],
    },
  });
  net = ['--resolver', dns.address, '--connect-to', `:443:${ADDR}:${https.port}`, '--ca', 'ca.pem', '--timeout', '2000'];
});
afterAll(async () => {
  await Promise.all([https?.close(), dns?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const ids = (r: Report) => r.findings.map((f) => f.id).sort();

describe('launchready email <domain>', () => {
  it('a well set-up domain: policy fetched and covering the MX, providers aligned, exit 0', async () => {
    const r = await cli(['email', 'shop.test', '--provider', 'sendgrid', '--format', 'json', '--fail-on', 'low', ...net], { cwd: dir });
    expect(r.stderr).not.toMatch(/internal error/);
    const report = JSON.parse(r.stdout) as Report;
    expect(ids(report)).toEqual([]);
    expect(r.code).toBe(0);
    expect(report.passed).toEqual(expect.arrayContaining([
      'email/mta-sts-invalid', 'email/mta-sts-testing', 'email/provider-misaligned', 'email/dmarc-readings-differ', 'email/dkim-weak-key', 'email/tls-rpt-missing',
    ]));
    expect(report.metrics).toMatchObject({
      emailTransport: { mtaSts: 'enforce', maxAge: 604800, tlsRpt: true, bimi: false },
      emailProviders: expect.arrayContaining([
        { provider: 'sendgrid', source: 'config', spfAligned: false, dkimAligned: true },
        { provider: 'google', source: 'dkim', spfAligned: true, dkimAligned: true },
      ]),
    });
    expect(https.requests.some((q) => q.url === '/.well-known/mta-sts.txt' && q.headers.host === 'mta-sts.shop.test')).toBe(true);
  });

  it('a broken domain: every problem with its precise evidence, exit 1 at --fail-on high', async () => {
    const r = await cli(['email', 'bad.test', '--format', 'json', '--fail-on', 'high', ...net], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const by = (id: string) => report.findings.find((f) => f.id === id);
    expect(ids(report)).toEqual([
      'email/dkim-missing', 'email/dmarc-policy-none', 'email/dmarc-readings-differ', 'email/mta-sts-invalid', 'email/provider-misaligned',
      'email/spf-too-many-lookups', 'email/tls-rpt-missing',
    ]);
    expect(by('email/mta-sts-invalid')).toMatchObject({ severity: 'high', target: 'https://mta-sts.bad.test/.well-known/mta-sts.txt', evidence: { mode: 'enforce', uncoveredMx: ['backup.elsewhere.test'] } });
    expect(by('email/provider-misaligned')).toMatchObject({
      severity: 'high',
      evidence: { provider: 'postmark', source: 'spf', missing: [{ what: 'return-path', name: 'pm-bounces.bad.test', publish: 'CNAME pm.mtasv.net' }, { what: 'dkim' }] },
    });
    expect(by('email/provider-misaligned')!.remediation).toContain('pm-bounces.bad.test: CNAME pm.mtasv.net');
    expect(by('email/spf-too-many-lookups')!.evidence).toMatchObject({ loop: true });
    expect(by('email/dmarc-readings-differ')!.evidence).toMatchObject({ rfc7489: { policy: 'quarantine', pct: 50 }, dmarcbis: { policy: 'quarantine', pct: 100 }, differences: ['pct'] });
    expect(by('email/tls-rpt-missing')!.severity).toBe('info');
  });
});

describe('launchready email verify', () => {
  let eml: Buffer;
  beforeAll(async () => {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const { readFileSync } = await import('node:fs');
    const info = await transport.sendMail({
      from: 'reset@shop.test', to: 'user@inbox.test', subject: 'Reset your password', text: 'Your reset code is 314159.',
      envelope: { from: 'bounce@shop.test', to: ['user@inbox.test'] },
      dkim: { domainName: 'shop.test', keySelector: 'lr1', privateKey: readFileSync(join(dir, 'own.key'), 'utf8') },
    });
    eml = Buffer.concat([Buffer.from('Return-Path: <bounce@shop.test>\n'), info.message as Buffer]);
    writeFileSync(join(dir, 'reset.eml'), eml);
    writeFileSync(join(dir, 'tampered.eml'), eml.toString('utf8').replace('314159', '271828'));
  });

  it('passes a message signed with the key in DNS, sent from an authorised IP (exit 0)', async () => {
    const r = await cli(['email', 'verify', 'reset.eml', '--ip', '167.89.1.1', '--helo', 'o1.sendgrid.net', '--resolver', dns.address, '--format', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ pass: true, spf: { result: 'pass', mailFrom: 'bounce@shop.test' }, dmarc: { result: 'pass' } });
    expect(out.dkim).toEqual([expect.objectContaining({ domain: 'shop.test', selector: 'lr1', result: 'pass', aligned: true })]);
    expect(r.code).toBe(0);
  });

  it('fails a message whose body was changed after signing (exit 1)', async () => {
    const r = await cli(['email', 'verify', 'tampered.eml', '--ip', '167.89.1.1', '--resolver', dns.address], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL/);
    expect(r.stdout).toMatch(/DKIM\s+(neutral|fail)/);
    expect(r.stdout).toMatch(/body hash did not verify/);
  });

  it('fails SPF for an unlisted IP and exits 2 without --ip', async () => {
    const r = await cli(['email', 'verify', 'reset.eml', '--ip', '203.0.113.7', '--resolver', dns.address, '--format', 'json'], { cwd: dir });
    expect(JSON.parse(r.stdout).spf.result).toBe('fail');
    expect((await cli(['email', 'verify', 'reset.eml', '--resolver', dns.address], { cwd: dir })).code).toBe(2);
  });
});
