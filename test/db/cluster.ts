/**
 * A throwaway PostgreSQL cluster for tests that need pg_stat_statements preloaded (the shared
 * server on 5432 does not load it): the installed server binaries, a temporary folder, a spare
 * loopback port, trust auth. Any failure to start throws (tests never skip).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const v = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  if (!v || !existsSync(join(root, v, 'bin', 'initdb'))) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, v, 'bin');
}

/** A free loopback port (the OS picks it; we release it just before postgres binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const asPostgres = (bin: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', join(pgBin(), bin), ...args], { stdio: 'pipe', timeout: 60_000 });

export interface Cluster {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<db> */
  url(db?: string): string;
  stop(): void;
}

/** initdb + pg_ctl start with shared_preload_libraries=pg_stat_statements (about 2 s); `extraOptions` are more `-c name=value` flags. */
export async function startCluster(extraOptions = ''): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'lr-pgss-'));
  // The server runs as the OS user postgres, which must own its data and socket folders.
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(dir, uid, gid);
  const port = await freePort();
  const data = join(dir, 'data');
  try {
    asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c shared_preload_libraries=pg_stat_statements -c fsync=off ${extraOptions}`;
    asPostgres('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    port,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    stop() {
      if (existsSync(join(data, 'postmaster.pid'))) asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
