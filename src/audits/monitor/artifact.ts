/** The `monitor` artifact (src/gather/monitor.ts): the monitor config summarised, plus error-tracking evidence from the repo. */

export type CheckRole = 'homepage' | 'api-health' | 'core-action' | 'other';

export interface MonitorArtifact {
  /** A `monitor` section exists in the config. */
  configured: boolean;
  checks: { id: string; kind: string; role: CheckRole; target: string }[];
  channels: { name: string; type: string }[];
  /** Escalation steps as configured (after in ms), null when no policy. */
  escalation: { steps: { afterMs: number; notify: string[] }[]; repeatMs: number | null } | null;
  slos: { name: string; availability?: number; latency: boolean }[];
  errorTracking: {
    /** Config keys set (monitor.errorTracking.sentryDsn / otelEndpoint). */
    config: string[];
    /** Error-tracking packages in package.json files, as `path: package`. */
    dependencies: string[];
    /** Non-empty SENTRY_DSN / OTEL_EXPORTER_OTLP_* keys in env files, as `file: KEY`. */
    envKeys: string[];
    /** package.json and env files read. */
    scanned: number;
    /** The repository was looked at (repo section or monitor section present). */
    applicable: boolean;
  };
  /** Results of test notifications (monitor.verifyChannels), null when not sent. */
  channelTests: { channel: string; ok: boolean; error?: string }[] | null;
}
