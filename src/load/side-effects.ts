/**
 * The I/O half of perf/blocking-side-effect: for every route declaring `sideEffects`, start
 * launchready's own SMTP receiver / webhook sink (perf.sinks), load the route one request at a
 * time with the sink answering at once, then again with the sink delaying its acceptance by
 * perf.sinks.delay. The audit (src/audits/perf/blocking-side-effect.ts) compares the two passes.
 */
import type { LaunchreadyConfig } from '../config/schema.js';
import type { Net } from '../net/types.js';
import type { SideEffectPass, SideEffectProbe } from '../audits/perf/artifact.js';
import { runLoad } from './engine.js';
import { isSkip, prepareRoute, type PreparedRoute } from './command.js';
import { parseDuration } from './duration.js';
import { loadScope, perfConfig, perfSettings, resolveRoutes } from './routes.js';
import { startSmtpSink, startWebhookSink, type Sink } from './sinks.js';

/** After a pass, how long to wait for queued deliveries to reach the sink (they are counted, not timed). */
const DELIVERY_GRACE_MS = 1_500;

/** `routes`: only these route names (launchready perf [route...]); default all. */
export async function probeSideEffects(config: LaunchreadyConfig, net: Net, o: { active?: boolean; baseDir?: string; signal?: AbortSignal; routes?: string[] } = {}): Promise<SideEffectProbe[]> {
  const wanted = o.routes?.length ? new Set(o.routes) : null;
  const withEffects = config.routes.filter((r) => r.sideEffects && r.sideEffects.length > 0 && (!wanted || wanted.has(r.name)));
  if (withEffects.length === 0) return [];
  const s = perfSettings(config);
  const sinksCfg = perfConfig(config).sinks;
  const delayMs = sinksCfg ? parseDuration(sinksCfg.delay, 'perf.sinks.delay') : 300;
  const requests = sinksCfg?.requests ?? 6;
  const scope = loadScope(config);
  const out: SideEffectProbe[] = [];
  const sinks = new Map<'email' | 'webhook', Sink | string>();

  const sinkFor = async (effect: 'email' | 'webhook'): Promise<Sink | string> => {
    const have = sinks.get(effect);
    if (have !== undefined) return have;
    const address = effect === 'email' ? sinksCfg?.smtp : sinksCfg?.webhook;
    let sink: Sink | string;
    if (!address) sink = `perf.sinks.${effect === 'email' ? 'smtp' : 'webhook'} is not set: launchready has nowhere to receive the ${effect}`;
    else {
      try {
        sink = effect === 'email' ? await startSmtpSink(address) : await startWebhookSink(address);
      } catch (err) {
        sink = (err as Error).message;
      }
    }
    sinks.set(effect, sink);
    return sink;
  };

  const pass = async (p: PreparedRoute, sink: Sink): Promise<SideEffectPass> => {
    const before = sink.received;
    const r = p.route;
    const load = await runLoad({
      request: { method: r.method, url: r.url, headers: p.headers, body: r.body },
      model: { kind: 'closed', vus: 1 },
      durationMs: s.maxDurationMs,
      maxRequests: requests,
      connect: p.connect,
      caPem: net.options.extraCaPem,
      timeoutMs: s.timeoutMs,
      signal: o.signal,
      workers: 1,
    });
    const deadline = Date.now() + DELIVERY_GRACE_MS;
    while (sink.received - before < load.count && Date.now() < deadline && !o.signal?.aborted) await new Promise((res) => setTimeout(res, 50));
    return { requests: load.count, errors: load.errors, p50: load.latency.p50, received: sink.received - before };
  };

  try {
    for (const r of resolveRoutes(config).filter((x) => withEffects.some((w) => w.name === x.name))) {
      const effects = withEffects.find((w) => w.name === r.name)!.sideEffects!;
      const base = { name: r.name, method: r.method, url: r.url, delayMs };
      const p = await prepareRoute(r, config, net, o, scope);
      for (const effect of effects) {
        if (isSkip(p)) {
          out.push({ ...base, effect, sink: null, skipped: p.reason });
          continue;
        }
        const sink = await sinkFor(effect);
        if (typeof sink === 'string') {
          out.push({ ...base, effect, sink: null, skipped: sink });
          continue;
        }
        if (o.signal?.aborted) break;
        for (const x of sinks.values()) if (typeof x !== 'string') x.delayMs = 0;
        const fast = await pass(p, sink);
        sink.delayMs = delayMs;
        const delayed = await pass(p, sink);
        sink.delayMs = 0;
        out.push({ ...base, effect, sink: sink.address, fast, delayed });
      }
    }
  } finally {
    for (const x of sinks.values()) if (typeof x !== 'string') await x.close();
  }
  return out;
}
