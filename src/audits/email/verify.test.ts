import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle } from '../../harness/dns-server.js';
import { createDnsClient } from '../../net/dns.js';
import { verifyMessage } from './verify.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
let server: DnsServerHandle;
let eml: Buffer;

beforeAll(async () => {
  server = await startDnsServer({
    host: '127.0.0.1', port: 0,
    zones: {
      'app.test': [{ type: 'TXT', value: 'v=spf1 ip4:192.0.2.0/24 -all' }],
      'sel1._domainkey.app.test': [{ type: 'TXT', value: ['v=DKIM1; k=rsa; ', `p=${p}`] }],
      '_dmarc.app.test': [{ type: 'TXT', value: 'v=DMARC1; p=reject' }],
    },
  });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await transport.sendMail({
    from: 'reset@app.test', to: 'user@inbox.test', subject: 'Reset your password', text: 'Click here to reset.',
    envelope: { from: 'bounce@app.test', to: ['user@inbox.test'] },
    dkim: { domainName: 'app.test', keySelector: 'sel1', privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() },
  });
  eml = Buffer.concat([Buffer.from('Return-Path: <bounce@app.test>\n'), info.message as Buffer]);
});
afterAll(async () => { await server?.close(); });

describe('verifyMessage (mailauth with our resolver, our SPF)', () => {
  it('passes SPF, DKIM and DMARC for a signed message from an authorised IP', async () => {
    const dns = createDnsClient({ servers: [server.address], timeoutMs: 500, retries: 0 });
    const r = await verifyMessage(eml, { ip: '192.0.2.25', helo: 'mta.app.test', dns });
    dns.close();
    expect(r.spf).toMatchObject({ result: 'pass', mailFrom: 'bounce@app.test' });
    expect(r.dkim).toEqual([expect.objectContaining({ domain: 'app.test', selector: 'sel1', result: 'pass' })]);
    expect(r.dmarc.result).toBe('pass');
  });
  it('a tampered body fails DKIM and DMARC; an unlisted IP fails SPF', async () => {
    const dns = createDnsClient({ servers: [server.address], timeoutMs: 500, retries: 0 });
    const tampered = Buffer.from(eml.toString('utf8').replace('Click here to reset.', 'Click evil.example to reset.'));
    const r = await verifyMessage(tampered, { ip: '203.0.113.9', helo: 'evil.test', dns });
    dns.close();
    expect(r.spf.result).toBe('fail');
    expect(r.dkim[0]!.result).not.toBe('pass');
    expect(r.dmarc.result).toBe('fail');
  });
});
