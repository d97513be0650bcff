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
CREATE TABLE IF NOT EXISTS asset_manifests (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  page TEXT NOT NULL,
  started_at TEXT NOT NULL,
  assets_json TEXT NOT NULL,
  PRIMARY KEY (run_id, page)
);
CREATE INDEX IF NOT EXISTS asset_manifests_by_page ON asset_manifests(page, run_id);
`;

/** One asset of a release as recorded by deploy/stale-assets (report.metrics['deploy.assetManifest']). */
export interface ManifestAsset {
  url: string;
  kind: string;
  /** sha256 prefix of the first bytes served (see src/gather/assets.ts). */
  digest?: string;
}

/** A release's asset list for one page, and when it was last seen. */
export interface PreviousManifest {
  runId: number;
  /** startedAt of the newest run that saw this list (the release was replaced after this). */
  lastSeenAt: string;
  assets: ManifestAsset[];
}

function toRunRow(r: Record<string, unknown>): RunRow {
  return {
    id: r.id as number,
    configKey: r.config_key as string,
    startedAt: r.started_at as string,
    verdict: r.verdict as string,
    score: r.score as number,
    findings: r.findings as number,
    blockers: r.blockers as number,
    durationMs: r.duration_ms as number,
  };
}

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
    // Only audits compare with audits: a `perf` run in between holds a handful of perf findings.
    const prev = this.db.prepare("SELECT id, started_at FROM runs WHERE config_key = ? AND command = 'audit' ORDER BY id DESC LIMIT 1").get(configKey) as
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
      const man = report.metrics?.['deploy.assetManifest'] as { page?: unknown; assets?: unknown } | undefined;
      if (man && typeof man.page === 'string' && Array.isArray(man.assets)) {
        this.db.prepare('INSERT OR REPLACE INTO asset_manifests VALUES (?, ?, ?, ?)').run(id, man.page, report.startedAt, JSON.stringify(man.assets));
      }
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
    return rows.map(toRunRow);
  }

  /** The newest audit report recorded for a config key (plan and handover start from it). */
  latestAudit(configKey: string): { id: number; report: Report } | undefined {
    const row = this.db.prepare("SELECT id FROM runs WHERE config_key = ? AND command = 'audit' ORDER BY id DESC LIMIT 1").get(configKey) as { id: number } | undefined;
    const report = row ? this.report(row.id) : undefined;
    return row && report ? { id: row.id, report } : undefined;
  }

  /** The full report of a run. */
  report(id: number): Report | undefined {
    const row = this.db.prepare('SELECT report_gz FROM runs WHERE id = ?').get(id) as { report_gz: Buffer } | undefined;
    return row ? (JSON.parse(gunzipSync(row.report_gz).toString('utf8')) as Report) : undefined;
  }

  /**
   * The newest run of a config key whose report satisfies `accept` (e.g. "has perf results"),
   * looking at most `scan` runs back: `perf --baseline previous`.
   */
  latest(configKey: string, accept: (r: Report) => boolean, scan = 50): { id: number; startedAt: string; report: Report } | undefined {
    const rows = this.db.prepare('SELECT id, started_at FROM runs WHERE config_key = ? ORDER BY id DESC LIMIT ?').all(configKey, scan) as { id: number; started_at: string }[];
    for (const row of rows) {
      const report = this.report(row.id);
      if (report && accept(report)) return { id: row.id, startedAt: row.started_at, report };
    }
    return undefined;
  }

  /** Runs of one command (`audit`, `perf`...) for a config key, newest first. */
  runsOf(configKey: string, command: string, limit = 200): RunRow[] {
    const rows = this.db.prepare('SELECT * FROM runs WHERE config_key = ? AND command = ? ORDER BY id DESC LIMIT ?').all(configKey, command, limit) as Record<string, unknown>[];
    return rows.map(toRunRow);
  }

  /**
   * The previous release's assets of `page`: the newest recorded manifest whose URL set differs
   * from `currentUrls` (runs that saw the current release are skipped). Looks back `limit` runs.
   */
  previousAssetManifest(page: string, currentUrls: string[], limit = 200): PreviousManifest | undefined {
    const now = new Set(currentUrls);
    const rows = this.db
      .prepare('SELECT run_id, started_at, assets_json FROM asset_manifests WHERE page = ? ORDER BY run_id DESC LIMIT ?')
      .all(page, limit) as { run_id: number; started_at: string; assets_json: string }[];
    for (const r of rows) {
      const assets = JSON.parse(r.assets_json) as ManifestAsset[];
      const same = assets.length === now.size && assets.every((a) => now.has(a.url));
      if (!same) return { runId: r.run_id, lastSeenAt: r.started_at, assets };
    }
    return undefined;
  }

  close(): void {
    this.db.close();
  }
}
