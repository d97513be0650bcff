/**
 * perf/blocking-side-effect end to end: real loopback Fastify apps that send a welcome email with
 * nodemailer to launchready's own SMTP receiver (perf.sinks.smtp), either before answering
 * (fires) or from a queue after answering (stays quiet); one that posts a webhook synchronously.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import net from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { buildRegistry } from '../../src/engine/registry.js';
import { runAudit } from '../../src/engine/run.js';
import { family as perfFamily } from '../../src/audits/perf/index.js';
import perfGatherer from '../../src/gather/perf.js';
import listsGatherer from '../../src/gather/lists.js';
import { createNet, defaultNetOptions } from '../../src/net/index.js';
import { judgeSideEffect } from '../../src/audits/perf/blocking-side-effect.js';
import type { Gatherer } from '../../src/core/audit.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

const registry = buildRegistry([perfFamily], [perfGatherer, listsGatherer] as Gatherer[]);
const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A signup route that emails the user: `sync` waits for the SMTP server, `queued` does not. */
async function signupApp(mode: 'sync' | 'queued' | 'webhook', sinkPort: number): Promise<string> {
  const app = Fastify();
  apps.push(app);
  const mail = nodemailer.createTransport({ host: '127.0.0.1', port: sinkPort, secure: false, ignoreTLS: true });
  const queue: string[] = [];
  let draining = false;
  const drain = async () => {
    if (draining) return;
    draining = true;
    while (queue.length) await mail.sendMail({ from: 'app@shop.test', to: queue.shift()!, subject: 'Welcome', text: 'hi' }).catch(() => {});
    draining = false;
  };
  app.post('/api/signup', async (req) => {
    const { email } = req.body as { email: string };
    if (mode === 'sync') await mail.sendMail({ from: 'app@shop.test', to: email, subject: 'Welcome', text: 'hi' });
    else if (mode === 'webhook') await fetch(`http://127.0.0.1:${sinkPort}/hooks/signup`, { method: 'POST', body: JSON.stringify({ email }) });
    else {
      queue.push(email);
      void drain();
    }
    return { ok: true };
  });
  return app.listen({ port: 0, host: '127.0.0.1' });
}

async function audit(base: string, effect: 'email' | 'webhook', sinkPort: number) {
  const config = configSchema.parse({
    routes: [{ name: 'signup', method: 'POST', url: `${base}/api/signup`, body: { email: 'u{{seq}}@shop.test' }, sideEffects: [effect] }],
    perf: { duration: '300ms', warmup: 0, rate: 5, sinks: { [effect === 'email' ? 'smtp' : 'webhook']: `127.0.0.1:${sinkPort}`, delay: '300ms', requests: 4 } },
  });
  const n = createNet(defaultNetOptions());
  try {
    return (await runAudit({ config, configPath: null, baseDir: process.cwd(), net: n, registry, only: ['perf'] })).report;
  } finally {
    await n.close();
  }
}

describe('perf/blocking-side-effect', () => {
  it('fires when the signup waits for the SMTP server', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const report = await audit(await signupApp('sync', port), 'email', port);
    const f = report.findings.find((x) => x.id === 'perf/blocking-side-effect');
    expect(f).toBeDefined();
    expect(f!.severity).toBe('high');
    const ev = f!.evidence as Record<string, number | string>;
    expect(ev).toMatchObject({ route: 'signup', sideEffect: 'email', sinkDelayMs: 300 });
    expect(ev.riseMs as number).toBeGreaterThan(250);
    expect(ev.received as number).toBeGreaterThanOrEqual(8);
  });

  it('stays quiet when the email is queued, although the delayed mail still arrives', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const report = await audit(await signupApp('queued', port), 'email', port);
    expect(report.findings.map((f) => f.id)).not.toContain('perf/blocking-side-effect');
    expect(report.passed).toContain('perf/blocking-side-effect');
  });

  it('fires for a webhook posted before answering', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const report = await audit(await signupApp('webhook', port), 'webhook', port);
    expect(report.findings.find((x) => x.id === 'perf/blocking-side-effect')?.evidence).toMatchObject({ sideEffect: 'webhook' });
  });

  it('without a configured receiver the rule is skipped with the reason', async () => {
    const config = configSchema.parse({ routes: [{ name: 'signup', method: 'POST', url: 'http://127.0.0.1:9/api/signup', sideEffects: ['email'] }], perf: { duration: '200ms', warmup: 0, rate: 5 } });
    const n = createNet(defaultNetOptions());
    try {
      const { report } = await runAudit({ config, configPath: null, baseDir: process.cwd(), net: n, registry, only: ['perf'] });
      expect(report.skipped.find((s) => s.id === 'perf/blocking-side-effect')?.reason).toMatch(/perf\.sinks\.smtp is not set/);
    } finally {
      await n.close();
    }
  });

  it('judges nothing when no message reached the receiver', () => {
    const pass = { requests: 4, errors: 0, p50: 5, received: 0 };
    expect(judgeSideEffect({ name: 's', method: 'POST', url: 'u', effect: 'email', sink: '127.0.0.1:2525', delayMs: 300, fast: pass, delayed: { ...pass, p50: 400 } })).toEqual({
      unjudged: "no email reached launchready's receiver at 127.0.0.1:2525: point the app's SMTP settings there",
    });
  });
});

describe('launchready perf runs the side-effect check too (perf.sinks configured)', () => {
  function configDir(base: string, port: number, extra: Record<string, unknown> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), 'lr-perf-side-effects-'));
    writeFileSync(
      join(dir, 'launchready.config.json'),
      JSON.stringify({
        routes: [
          { name: 'signup', method: 'POST', url: `${base}/api/signup`, body: { email: 'u{{seq}}@shop.test' }, sideEffects: ['email'] },
          { name: 'home', url: `${base}/api/signup` },
        ],
        perf: { duration: '300ms', warmup: 0, rate: 5, sinks: { smtp: `127.0.0.1:${port}`, delay: '300ms', requests: 4 } },
        ...extra,
      }),
    );
    return dir;
  }

  it('fires perf/blocking-side-effect for a signup that waits for the SMTP server', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const dir = configDir(await signupApp('sync', port), port);
    const r = await cli(['perf', 'signup', '--quiet', '--no-history', '--fail-on', 'high'], { cwd: dir });
    expect(r.stdout).toMatch(/signup email: p50 [\d.]+ms -> [\d.]+ms with the receiver delaying 300 ms \(\d+ received\): WAITS for delivery/);
    expect(r.stdout).toMatch(/HIGH perf\/blocking-side-effect POST http:\/\/127\.0\.0\.1:\d+\/api\/signup/);
    expect(r.code).toBe(1);
  });

  it('stays quiet (and lists the rule as passed) when the email is queued', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const dir = configDir(await signupApp('queued', port), port);
    const r = await cli(['perf', 'signup', '--quiet', '--no-history', '--format', 'json'], { cwd: dir });
    const report = JSON.parse(r.stdout) as { findings: { id: string }[]; passed: string[]; metrics: Record<string, unknown> };
    expect(report.findings.map((f) => f.id)).not.toContain('perf/blocking-side-effect');
    expect(report.passed).toContain('perf/blocking-side-effect');
    expect(report.metrics['perf.sideEffects']).toEqual([expect.objectContaining({ name: 'signup', effect: 'email', delayed: expect.objectContaining({ received: 4 }) })]);
  });

  it('does not probe routes left out on the command line, nor without perf.sinks', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const base = await signupApp('sync', port);
    const only = await cli(['perf', 'home', '--quiet', '--no-history', '--format', 'json'], { cwd: configDir(base, port) });
    expect((JSON.parse(only.stdout) as { metrics: Record<string, unknown> }).metrics['perf.sideEffects']).toBeUndefined();
    const noSinks = await cli(['perf', 'signup', '--quiet', '--no-history', '--format', 'json'], { cwd: configDir(base, port, { perf: { duration: '300ms', warmup: 0, rate: 5 } }) });
    const rep = JSON.parse(noSinks.stdout) as { findings: { id: string }[]; metrics: Record<string, unknown> };
    expect(rep.metrics['perf.sideEffects']).toBeUndefined();
    expect(rep.findings.map((f) => f.id)).not.toContain('perf/blocking-side-effect');
  });
});
