/**
 * `launchready smoke` from a YAML config, in-process: a password-reset flow whose email step reads
 * launchready's own SMTP receiver (config mailbox.smtp), JUnit + terminal output written for CI, and
 * the rollback steps printed after a failure.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { startApp } from '../flow/mail-app.js';
import { freePort } from '../flow/dovecot.js';

let dir: string;
let port: number;
let app: Awaited<ReturnType<typeof startApp>>;

const config = (subject: string) => `
mailbox:
  smtp: { listen: "127.0.0.1:${port}" }
handover:
  rollback: ["Redeploy the previous release", "Tell #launch"]
flows:
  - name: reset
    baseUrl: ${app.server.url}
    steps:
      - { name: request-reset, role: password-reset, method: POST, url: /api/password-reset, json: { email: "{{unique.email}}" }, expect: ["status == 202"] }
      - name: reset-mail
        waitForEmail: { to: "{{unique.email}}", subject: "${subject}", timeoutMs: 3000 }
        capture: { resetLink: { regex: "https?://\\\\S+/reset\\\\?token=\\\\w+" } }
      - { name: follow-reset, url: "{{resetLink}}", expect: ["status == 200", "body == reset ok"] }
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lr-smoke-cli-'));
  port = await freePort();
  app = await startApp(() => port);
});
afterAll(async () => {
  await app.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('launchready smoke with an email step', () => {
  it('passes: the reset link arrives over SMTP and is followed; JUnit written for CI', async () => {
    writeFileSync(join(dir, 'ok.yaml'), config('Reset your password'));
    const r = await cli(['smoke', '-c', join(dir, 'ok.yaml'), '--format', 'terminal,junit', '--out', join(dir, 'out-ok/')], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS reset \(\d+ ms\)\n {2}ok {3}request-reset {2}POST http:\/\/127\.0\.0\.1:\d+\/api\/password-reset {2}202/);
    expect(r.stdout).toMatch(/ok {3}reset-mail {2}EMAIL mailto:smoke\+\w+@launchready\.test/);
    const xml = readFileSync(join(dir, 'out-ok/smoke.xml'), 'utf8');
    expect(xml).toMatch(/<testsuite name="smoke reset" tests="3" failures="0" errors="0"/);
    expect(xml).toContain('name="follow-reset"');
    expect(app.used.length).toBeGreaterThanOrEqual(1);
  });

  it('fails with exit 1, the failing email step in JUnit, and the rollback steps on the terminal', async () => {
    writeFileSync(join(dir, 'bad.yaml'), config('Your invoice'));
    const r = await cli(['smoke', '-c', join(dir, 'bad.yaml'), '--format', 'junit', '--out', join(dir, 'out-bad/')], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL reset[\s\S]*FAIL reset-mail {2}EMAIL mailto:[\s\S]*no email to smoke\+\w+@launchready\.test \(subject Your invoice\) arrived within 3000 ms at smtp:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('Rollback steps (handover.rollback):\n  1. Redeploy the previous release\n  2. Tell #launch');
    const xml = readFileSync(join(dir, 'out-bad/smoke.xml'), 'utf8');
    expect(xml).toMatch(/<testsuite name="smoke reset" tests="2" failures="1" errors="0"/);
    expect(xml).toMatch(/<testcase classname="smoke.reset" name="reset-mail" time="[\d.]+"><failure message="no email to smoke\+\w+@launchready\.test \(subject Your invoice\)/);
  });

  it('refuses report formats smoke does not write', async () => {
    writeFileSync(join(dir, 'ok2.yaml'), config('Reset your password'));
    const r = await cli(['smoke', '-c', join(dir, 'ok2.yaml'), '--format', 'html'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/smoke writes terminal, json, junit \(not html\)/);
  });
});
