/**
 * Run history in embedded SQLite (`.launchready/history.db`, WAL): every audit run is recorded so
 * the next run can say what changed ("2 fixed, 1 new, p95 of feed 410 -> 180 ms") and
 * `launchready history` can list runs. Runs are grouped by config key (the config path, or the
 * working directory when there is no config file).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import type { Report } from '../core/types.js';
import { headlineMetrics } from './baseline.js';

export interface RunRow {
  id: number;
  configKey: string;
  startedAt: string;
  verdict: string;
  score: number;
  findings: number;
  blockers: number;
  durationMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  config_key TEXT NOT NULL,
  command TEXT NOT NULL DEFAULT 'audit',
  started_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  score INTEGER NOT NULL,
  findings INTEGER NOT NULL,
  blockers INTEGER NOT NULL,
  report_gz BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_key ON runs(config_key, id);
CREATE TABLE IF NOT EXISTS run_findings (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY (run_id, fingerprint)
);
CREATE TABLE IF NOT EXISTS run_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  unit TEXT,
  PRIMARY KEY (run_id, name)
);
`;

export class HistoryStore {
  private db: Database.Database;

  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
  }

  /** Summary of what changed since the previous run of the same config key, if any. */
  sinceLastRun(configKey: string, report: Report): Report['sinceLastRun'] {
    const prev = this.db.prepare('SELECT id, started_at FROM runs WHERE config_key = ? ORDER BY id DESC LIMIT 1').get(configKey) as
      | { id: number; started_at: string }
      | undefined;
    if (!prev) return undefined;
    const before = new Set(
      (this.db.prepare('SELECT fingerprint FROM run_findings WHERE run_id = ?').all(prev.id) as { fingerprint: string }[]).map((r) => r.fingerprint),
    );
    const after = new Set(report.findings.map((f) => f.fingerprint));
    const prevMetrics = new Map(
      (this.db.prepare('SELECT name, value FROM run_metrics WHERE run_id = ?').all(prev.id) as { name: string; value: number }[]).map((r) => [r.name, r.value]),
    );
    const deltas = headlineMetrics(report)
      .filter((m) => prevMetrics.has(m.name) && prevMetrics.get(m.name) !== m.value)
      .map((m) => ({ name: m.name, before: prevMetrics.get(m.name)!, after: m.value, ...(m.unit ? { unit: m.unit } : {}) }));
    return {
      runId: prev.id,
      at: prev.started_at,
      newFindings: [...after].filter((f) => !before.has(f)).length,
      fixedFindings: [...before].filter((f) => !after.has(f)).length,
      deltas,
    };
  }

  record(configKey: string, report: Report, command = 'audit'): number {
    const tx = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO runs (config_key, command, started_at, duration_ms, verdict, score, findings, blockers, report_gz)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          configKey,
          command,
          report.startedAt,
          report.durationMs,
          report.verdict,
          report.score.overall,
          report.findings.length,
          report.findings.filter((f) => f.severity === 'blocker').length,
          gzipSync(JSON.stringify(report)),
        );
      const id = Number(info.lastInsertRowid);
      const fi = this.db.prepare('INSERT OR IGNORE INTO run_findings VALUES (?, ?, ?, ?, ?)');
      for (const f of report.findings) fi.run(id, f.fingerprint, f.id, f.severity, f.target);
      const mi = this.db.prepare('INSERT OR REPLACE INTO run_metrics VALUES (?, ?, ?, ?)');
      for (const m of headlineMetrics(report)) mi.run(id, m.name, m.value, m.unit ?? null);
      return id;
    });
    return tx();
  }

  list(configKey?: string, limit = 50): RunRow[] {
    const rows = (
      configKey
        ? this.db.prepare('SELECT * FROM runs WHERE config_key = ? ORDER BY id DESC LIMIT ?').all(configKey, limit)
        : this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit)
    ) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: r.id as number,
      configKey: r.config_key as string,
      startedAt: r.started_at as string,
      verdict: r.verdict as string,
      score: r.score as number,
      findings: r.findings as number,
      blockers: r.blockers as number,
      durationMs: r.duration_ms as number,
    }));
  }

  /** The full report of a run. */
  report(id: number): Report | undefined {
    const row = this.db.prepare('SELECT report_gz FROM runs WHERE id = ?').get(id) as { report_gz: Buffer } | undefined;
    return row ? (JSON.parse(gunzipSync(row.report_gz).toString('utf8')) as Report) : undefined;
  }

  close(): void {
    this.db.close();
  }
}
