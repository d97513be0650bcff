/**
 * Live progress on stderr: a task list redrawn in place on a TTY, plain timestamped lines when not
 * a TTY or with CI=true (so CI logs stay readable), nothing with --quiet.
 */
import type { ProgressEvent } from '../engine/run.js';
import type { Writable } from './context.js';

export type ProgressMode = 'tty' | 'plain' | 'quiet';

export function progressMode(stderr: Writable, env: Record<string, string | undefined>, quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  if (!stderr.isTTY || env.CI === 'true' || env.CI === '1' || env.TERM === 'dumb') return 'plain';
  return 'tty';
}

interface Task {
  id: string;
  title: string;
  state: 'running' | 'ok' | 'failed';
  detail: string;
}

export function createProgress(mode: ProgressMode, out: Writable, now: () => number): { on(e: ProgressEvent): void; done(): void } {
  if (mode === 'quiet') return { on() {}, done() {} };
  if (mode === 'plain') {
    const ts = () => new Date(now()).toISOString().slice(11, 23);
    return {
      on(e) {
        if (e.type === 'gather-start') out.write(`[${ts()}] start  ${e.title}\n`);
        else if (e.type === 'gather-end') out.write(`[${ts()}] ${e.ok ? 'done ' : 'error'}  ${e.title} (${e.ms} ms)${e.error ? `: ${e.error}` : ''}\n`);
      },
      done() {},
    };
  }
  const tasks: Task[] = [];
  let drawn = 0;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const draw = () => {
    const width = Math.max(40, (out.columns ?? 80) - 1);
    let s = drawn ? `\x1b[${drawn}A` : '';
    for (const t of tasks) {
      const icon = t.state === 'running' ? frames[frame % frames.length] : t.state === 'ok' ? '✔' : '✖';
      s += `\x1b[2K${`${icon} ${t.title}${t.detail ? ` — ${t.detail}` : ''}`.slice(0, width)}\n`;
    }
    drawn = tasks.length;
    out.write(s);
  };
  const timer = setInterval(() => {
    frame++;
    if (tasks.some((t) => t.state === 'running')) draw();
  }, 100);
  timer.unref();
  return {
    on(e) {
      if (e.type === 'gather-start') tasks.push({ id: e.id, title: e.title, state: 'running', detail: '' });
      const t = 'id' in e ? tasks.find((x) => x.id === e.id) : undefined;
      if (e.type === 'gather-update' && t) t.detail = e.message;
      if (e.type === 'gather-end' && t) {
        t.state = e.ok ? 'ok' : 'failed';
        t.detail = e.ok ? `${e.ms} ms` : (e.error ?? 'failed');
      }
      if (e.type !== 'audit-end') draw();
    },
    done() {
      clearInterval(timer);
      if (tasks.length) draw();
    },
  };
}
