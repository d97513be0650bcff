/**
 * Real timers, seconds scale: the long-running loop opens and resolves an incident, and a monitor
 * killed with SIGKILL while an incident is open continues escalation on schedule after a restart,
 * without sending the first alert again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMonitor } from '../../src/monitor/monitor.js';
import type { Net } from '../../src/net/types.js';
import { config, loopbackNet, startReceiver, startTarget, type Receiver, type Target } from './helpers.js';

let target: Target;
let rx: Receiver;
let net: Net;
const dir = mkdtempSync(join(tmpdir(), 'lr-realtime-'));
beforeAll(async () => {
  [target, rx] = await Promise.all([startTarget(), startReceiver()]);
  net = loopbackNet();
});
afterAll(async () => {
  await Promise.all([target.close(), rx.close(), net.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Poll until `fn` is true (bounded: 50 ms steps up to `ms`). */
async function until(fn: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const events = (path: string) => rx.on(path).map((g) => g.json.event as string);

const monitorInput = (store: string) => ({
  monitor: {
    store,
    defaults: { interval: '300ms', timeout: '1s', failureThreshold: 1, successThreshold: 1 },
    checks: [{ id: 'home', kind: 'http' as const, url: `${target.url}/`, conditions: ['[STATUS] == 200'] }],
    channels: { first: { type: 'webhook' as const, url: `${rx.url}/first` }, second: { type: 'webhook' as const, url: `${rx.url}/second` } },
    escalation: { steps: [{ after: '0s', notify: ['first'] }, { after: '3s', notify: ['second'] }] },
  },
});

describe('real timers', () => {
  it('runMonitor opens and resolves an incident within seconds', async () => {
    rx.got.length = 0;
    target.status = 500;
    const ac = new AbortController();
    const done = runMonitor(config(monitorInput(join(dir, 'loop.db'))), { signal: ac.signal, net, baseDir: dir });
    try {
      await until(() => events('/first').includes('open'));
      target.status = 200;
      await until(() => events('/first').includes('resolved'));
    } finally {
      ac.abort();
      await done;
      target.status = 200;
    }
    expect(events('/first')).toEqual(['open', 'resolved']);
  });

  it('SIGKILL with an open incident: after restart escalation continues on schedule, nothing twice', async () => {
    rx.got.length = 0;
    target.status = 500;
    const cfgJson = JSON.stringify(monitorInput(join(dir, 'kill.db')));
    const script = resolve(import.meta.dirname, 'fixtures/run-monitor.ts');
    // node itself with the tsx loader, not the tsx CLI: the CLI runs the script in a grandchild,
    // which SIGKILL of the CLI's pid would leave running (the "killed" monitor kept alerting).
    const start = (): ChildProcess => spawn(process.execPath, ['--import', 'tsx', script, cfgJson, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let child = start();
    try {
      await until(() => events('/first').includes('open'), 15_000);
      const openedAt = Date.now();
      // Let the delivery be recorded (at-least-once: a kill between send and commit would resend).
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(rx.on('/second')).toHaveLength(0);

      child = start();
      await until(() => rx.on('/second').length > 0, 15_000);
      const escalatedAt = Date.now();
      expect(escalatedAt - openedAt).toBeGreaterThanOrEqual(2500); // on schedule, not at restart
      await new Promise((r) => setTimeout(r, 700));
      expect(events('/first')).toEqual(['open']); // not sent again after the restart
      expect(events('/second')).toEqual(['escalation']);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      target.status = 200;
    }
  }, 40_000);
});
