/**
 * `launchready monitor` (long-running: checks, incidents, escalation, dashboard), `monitor check`
 * (every check once, for cron and CI), `monitor ack <incident>`, `monitor incidents`,
 * `monitor test-alert <channel>`.
 */
import type { CliContext } from '../context.js';
import { UsageError } from '../../core/errors.js';
import { loadConfig } from '../../config/loader.js';
import type { LaunchreadyConfig } from '../../config/schema.js';
import { createNet } from '../../net/index.js';
import type { Net } from '../../net/types.js';
import { ackIncident, listIncidents, monitorCheckOnce, monitorSection, openMonitorStore, runMonitor, testAlert, type FlowRunner } from '../../monitor/index.js';
import { loadFlows } from '../../flow/load.js';
import { runFlow } from '../../flow/index.js';
import { netOptionsFor, type CommonOptions } from './audit.js';

/** Flow checks run the smoke flows of the same config through the flow engine. */
function flowRunner(config: LaunchreadyConfig, baseDir: string, net: Net): FlowRunner {
  let flows: Awaited<ReturnType<typeof loadFlows>> | undefined;
  return async (name, o) => {
    flows ??= await loadFlows(config, baseDir);
    const f = flows.find((x) => x.name === name);
    if (!f) return { ok: false, error: `no flow named "${name}" in config.flows` };
    const r = await runFlow(f, {
      http: net.http,
      ...(config.domains?.canonical ? { baseUrl: config.domains.canonical } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      limits: { totalTimeoutMs: o.timeoutMs },
    });
    return r.ok ? { ok: true } : { ok: false, error: r.error?.message ?? `flow ${name} failed` };
  };
}

export async function monitorCommand(ctx: CliContext, action: string | undefined, arg: string | undefined, opts: CommonOptions & { all?: boolean; by?: string }): Promise<number> {
  const loaded = await loadConfig({ path: opts.config, cwd: ctx.cwd, env: ctx.env, required: true });
  const config = loaded.config;
  monitorSection(config); // a clear config error when there is no monitor section
  const withNet = async <T>(fn: (net: Net) => Promise<T>): Promise<T> => {
    const net = createNet(
      await netOptionsFor(ctx, config, loaded.baseDir, opts),
    );
    try {
      return await fn(net);
    } finally {
      await net.close();
    }
  };
  switch (action ?? 'run') {
    case 'run':
      await withNet((net) =>
        runMonitor(config, {
          signal: ctx.signal,
          net,
          baseDir: loaded.baseDir,
          runFlow: flowRunner(config, loaded.baseDir, net),
          log: (line: string) => {
            if (!opts.quiet) ctx.stderr.write(`${line}\n`);
          },
        }),
      );
      return 0;
    case 'check': {
      const r = await withNet((net) => monitorCheckOnce(config, net, { runFlow: flowRunner(config, loaded.baseDir, net) }));
      if (opts.format === 'json') ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else
        for (const run of r.runs) {
          ctx.stdout.write(`${run.ok ? 'UP  ' : 'DOWN'} ${run.checkId} (${run.durationMs} ms)${run.error ? ` — ${run.error}` : ''}\n`);
          for (const c of run.conditions) if (!c.success) ctx.stdout.write(`       ✖ ${c.display}\n`);
        }
      return r.ok ? 0 : 1;
    }
    case 'test-alert': {
      if (!arg) throw new UsageError('usage: launchready monitor test-alert <channel>');
      await withNet((net) => testAlert(config, arg, net));
      ctx.stdout.write(`test notification sent to ${arg}\n`);
      return 0;
    }
    case 'ack': {
      const id = Number(arg);
      if (!Number.isInteger(id) || id < 1) throw new UsageError('usage: launchready monitor ack <incident-number>');
      const store = openMonitorStore(monitorSection(config), loaded.baseDir);
      try {
        const inc = ackIncident(store, monitorSection(config), id, opts.by ?? ctx.env.USER ?? 'cli', ctx.now());
        ctx.stdout.write(`incident ${inc.id} (${inc.checkId}) acknowledged by ${inc.ackedBy}: escalation stopped\n`);
      } finally {
        store.close();
      }
      return 0;
    }
    case 'incidents': {
      const store = openMonitorStore(monitorSection(config), loaded.baseDir);
      try {
        const list = listIncidents(store, { all: !!opts.all });
        if (opts.format === 'json') ctx.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else if (!list.length) ctx.stdout.write('no open incidents\n');
        else for (const i of list) ctx.stdout.write(`#${i.id} ${i.state.padEnd(12)} ${i.checkId} since ${new Date(i.openedAt).toISOString()}\n`);
      } finally {
        store.close();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown monitor action "${action}" (run, check, ack, incidents, test-alert)`);
  }
}
