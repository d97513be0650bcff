/**
 * A throwaway MariaDB server with performance_schema ON (the shared server on 3306 has it off):
 * the installed mariadbd, a temporary data folder, a spare loopback port, root without password.
 * Any failure to start throws (tests never skip).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from './cluster.js';

export interface MariaServer {
  port: number;
  /** mysql://root@127.0.0.1:<port>/<db> */
  url(db: string): string;
  stop(): Promise<void>;
}

export async function startMariadb(): Promise<MariaServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lr-maria-'));
  const uid = Number(execFileSync('id', ['-u', 'mysql']).toString());
  const gid = Number(execFileSync('id', ['-g', 'mysql']).toString());
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db'], { stdio: 'pipe', timeout: 60_000 });
  const port = await freePort();
  const child = spawn(
    'mariadbd',
    ['--no-defaults', `--datadir=${data}`, '--user=mysql', `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'sock')}`, `--pid-file=${join(dir, 'pid')}`, '--performance-schema=ON', '--skip-log-bin', '--innodb-buffer-pool-size=16M'],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    try {
      const c = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: '', connectTimeout: 1000 });
      await c.end();
      return { port, url: (db) => `mysql://root@127.0.0.1:${port}/${db}`, stop };
    } catch {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const log = existsSync(join(data, `${'mariadb'}.err`)) ? readFileSync(join(data, 'mariadb.err'), 'utf8').slice(-500) : '';
  await stop();
  throw new Error(`MariaDB did not start on 127.0.0.1:${port}${log ? `: ${log}` : ''}`);
}
