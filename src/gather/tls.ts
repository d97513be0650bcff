/** TLS handshake summary of every name that resolves, on port 443 (connectTo may route it elsewhere). */
import { defineGatherer } from '../core/audit.js';
import { mapLimit } from './limit.js';
import { reachableNames } from './reachable.js';

export default defineGatherer({
  id: 'tls',
  title: 'Checking TLS certificates',
  dependsOn: ['targets', 'dns'],
  async gather(ctx) {
    const r = reachableNames(ctx);
    if (!r) return { error: { code: 'NOT_CONFIGURED', message: 'no domains in config' } };
    const { names } = r;
    return mapLimit(names, ctx.config.network.concurrency, (n) => ctx.net.tls.probe({ host: n.name, port: 443, servername: n.name }));
  },
});
