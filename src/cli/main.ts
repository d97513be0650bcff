/**
 * The command table. Commands parse their arguments, call a function, print. This file is the only
 * place that turns errors into exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or
 * config error, 3 internal error (with how to report it), 130 stopped by Ctrl-C.
 */
import { Command, CommanderError, Option } from 'commander';
import { getDomain } from 'tldts';
import type { CliContext } from './context.js';
import { processContext } from './context.js';
import { LaunchreadyError, UsageError, AbortedError } from '../core/errors.js';
import { TOOL_VERSION } from '../version.js';
import type { AuditOptions } from './commands/audit.js';

/**
 * Command modules load when their command runs, so `--help`, `--version` and a mistyped command
 * answer without loading every audit family and its dependencies (WASM parsers, database drivers,
 * the browser driver).
 */
const audit = () => import('./commands/audit.js');

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter(Boolean)];

/** Options every command takes. */
function common(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'config file (default: launchready.config.{yaml,yml,ts,js,json} in the current directory)')
    .option('-f, --format <list>', 'terminal, json, md, html, sarif, junit (several: json,html)', 'terminal')
    .option('-o, --out <dir|file>', 'write reports here instead of printing')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above').choices(['blocker', 'high', 'medium', 'low', 'never']).default('blocker'))
    .option('--no-color', 'no ANSI colours')
    .option('-q, --quiet', 'no progress, no summary')
    .option('--resolver <host:port>', 'DNS server to query instead of the system resolver (repeatable)', collect)
    .option('--connect-to <HOST:PORT:ADDR:PORT>', 'connect there instead, keeping SNI/Host/cert name (curl semantics; repeatable)', collect)
    .option('--ca <file>', 'extra trusted root certificates (PEM)')
    .option('--timeout <ms>', 'per-step network timeout in milliseconds');
}

export function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = new Command('launchready')
    .description('Tells a web product whether it can survive launch day, and walks it there.')
    .version(TOOL_VERSION)
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  common(program.command('audit'))
    .description('run every audit whose inputs the config provides')
    .option('--only <families>', 'only these rule families (dns,edge,tls,...)')
    .option('--skip <families>', 'skip these rule families')
    .option('--baseline <report.json>', 'compare with a saved JSON report: new, fixed, unchanged, metric deltas')
    .option('--no-history', 'do not record this run in .launchready/history.db')
    .option('--active', 'allow active probes (bursts, load) against non-loopback hosts (same as active: true)')
    .action(async (opts: AuditOptions) => setExit(await (await audit()).auditCommand(ctx, { opts, recordHistory: true })));

  common(program.command('dns <domain>'))
    .description('DNS checks of a domain, its www and subdomains')
    .option('--subdomains <list>', 'app,api,admin or full names')
    .option('--staging <list>', 'hosts/patterns production must never point to')
    .action(async (domain: string, opts: AuditOptions & { subdomains?: string; staging?: string }) => {
      const { auditCommand, configFrom } = await audit();
      setExit(await auditCommand(ctx, { opts, only: ['dns'], config: configFrom({ domains: domainsArg(domain, opts) }) }));
    });

  common(program.command('edge <url>'))
    .description('redirects, HTTPS, HSTS and edge of a site')
    .option('--subdomains <list>', 'app,api,admin or full names')
    .option('--staging <list>', 'hosts/patterns production must never point to')
    .action(async (url: string, opts: AuditOptions & { subdomains?: string; staging?: string }) => {
      const u = parseUrlArg(url);
      const apex = getDomain(u.hostname) ?? u.hostname;
      const { auditCommand, configFrom } = await audit();
      setExit(
        await auditCommand(ctx, { opts, only: ['dns', 'edge', 'tls', 'headers'], config: configFrom({ domains: { ...domainsArg(apex, opts), canonical: u.origin } }) }),
      );
    });

  common(program.command('tls <host[:port]>'))
    .description('certificate and handshake of one host')
    .action(async (hostPort: string, opts: AuditOptions) => {
      const { host, port } = parseHostPort(hostPort);
      const { auditCommand, configFrom } = await audit();
      const { tlsOnlyTargets } = await import('./commands/topic.js');
      const config = configFrom({ domains: { apex: host } });
      const connectTo = port === 443 ? opts.connectTo : [...(opts.connectTo ?? []), `${host}:443:${host}:${port}`];
      setExit(await auditCommand(ctx, { opts: { ...opts, ...(connectTo ? { connectTo } : {}) }, only: ['tls'], config, gatherers: [tlsOnlyTargets(host)] }));
    });

  common(program.command('email <domain|verify> [file]'))
    .description('SPF, DKIM, DMARC, MX and MTA-STS of a sending domain; `email verify <file.eml> --ip ADDR` checks one real message')
    .option('--dkim-selector <list>', 'DKIM selectors to look up besides the common ones (s1,s2)')
    .option('--provider <list>', 'sending providers (sendgrid,google,...)')
    .option('--ip <addr>', 'verify: address of the server that sent the message')
    .option('--helo <name>', 'verify: HELO/EHLO name the sender used')
    .option('--mail-from <addr>', 'verify: envelope sender (MAIL FROM)')
    .action(async (domain: string, file: string | undefined, opts: AuditOptions & { dkimSelector?: string; provider?: string; ip?: string; helo?: string; mailFrom?: string }) => {
      if (domain === 'verify') {
        if (!file) throw new UsageError('usage: launchready email verify <message.eml> --ip <addr>');
        const { emailVerifyCommand } = await import('./commands/email.js');
        return setExit(await emailVerifyCommand(ctx, file, opts));
      }
      const split = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
      const email = { domain, dkimSelectors: split(opts.dkimSelector), providers: split(opts.provider) };
      const { auditCommand, configFrom } = await audit();
      setExit(await auditCommand(ctx, { opts, only: ['email'], config: configFrom({ email }) }));
    });

  common(program.command('migrations [dir]'))
    .description('lint SQL migrations for unsafe operations (default: migrations/, prisma/migrations, db/migrate...)')
    .action(async (dir: string | undefined, opts: AuditOptions) => {
      const { auditCommand, configFrom } = await audit();
      setExit(await auditCommand(ctx, { opts, only: ['migrations'], config: configFrom(dir ? { database: { migrations: dir } } : {}) }));
    });

  common(program.command('db <database-url|explain> [url]'))
    .description('least privilege, missing/unused/duplicate/invalid indexes, seq-scan hotspots, slow statements, wraparound (PostgreSQL or MySQL/MariaDB); `db explain <url>` plans statements with index hints')
    .option('--query <sql>', 'db explain: the statement to plan (default: the slowest from pg_stat_statements)')
    .option('--analyze', 'db explain: EXPLAIN ANALYZE inside a read-only transaction')
    .option('--top <n>', 'db explain: how many of the slowest statements to plan', '5')
    .action(async (first: string, url: string | undefined, opts: AuditOptions & { query?: string; analyze?: boolean; top?: string }) => {
      if (first === 'explain') {
        if (!url) throw new UsageError('db explain needs a database URL: launchready db explain postgres://...');
        const { dbExplainCommand } = await import('./commands/topic.js');
        setExit(await dbExplainCommand(ctx, url, opts));
        return;
      }
      const { auditCommand, configFrom } = await audit();
      setExit(await auditCommand(ctx, { opts, only: ['db'], config: configFrom({ database: { url: first } }) }));
    });

  common(program.command('secrets [path]'))
    .description('credentials in the working tree, built bundles and (with --history) every commit of every branch')
    .option('--history', 'also scan the full git history (each blob once)')
    .option('--staged', 'scan only the staged changes (pre-commit)')
    .option('--baseline-file <file>', 'accepted fingerprints (default .launchready/secrets-baseline.json when it exists)')
    .option('--update-baseline', 'accept every current finding: write their fingerprints to the baseline file')
    .option('--install-hook', 'install a git pre-commit hook that runs `launchready secrets --staged`')
    .action(async (path: string | undefined, opts: AuditOptions & { history?: boolean; staged?: boolean; baselineFile?: string; updateBaseline?: boolean; installHook?: boolean }) => {
      const { secretsCommand } = await import('./commands/secrets.js');
      setExit(await secretsCommand(ctx, path, { ...opts, scanHistory: !!opts.history }));
    });

  common(program.command('env [dir-or-diff] [a] [b]'))
    .description('env files: missing values, secrets in browser-exposed variables, shared secrets, drift; `env diff <a> <b>` compares two files')
    .option('--required <keys>', 'variables every environment must define')
    .action(async (dir: string | undefined, a: string | undefined, b: string | undefined, opts: AuditOptions & { required?: string }) => {
      const { envCommand, envDiffCommand } = await import('./commands/secrets.js');
      if (dir === 'diff') {
        if (!a || !b) throw new UsageError('usage: launchready env diff <fileA> <fileB>');
        return setExit(await envDiffCommand(ctx, a, b, opts));
      }
      setExit(await envCommand(ctx, dir, opts));
    });

  common(program.command('logs <paths...>'))
    .description('secrets and personal data in log files (plain, JSON lines, .gz rotations)')
    .action(async (paths: string[], opts: AuditOptions) => {
      const { logsCommand } = await import('./commands/secrets.js');
      setExit(await logsCommand(ctx, paths, opts));
    });

  common(program.command('smoke [flows...]'))
    .description('run the configured flows (signup -> login -> create listing -> ...) and exit 1 on a failed step')
    .option('--repeat <n>', 'run each flow n times (flaky-path hunting)', '1')
    .option('--parallel', 'run the flows concurrently')
    .action(async (flows: string[], opts: AuditOptions & { repeat?: string; parallel?: boolean }) => {
      const { smokeCommand } = await import('./commands/smoke.js');
      setExit(await smokeCommand(ctx, flows, opts));
    });

  program
    .command('release-notes')
    .description('deploy notes since the last tag: commits by type, migrations, env keys, blockers and known issues, rollback steps')
    .option('-c, --config <file>', 'config file (default: launchready.config.* in the current directory)')
    .option('--from <tag>', 'start after this tag or commit (default: the last tag before --to)')
    .option('--to <ref>', 'end at this tag, branch or commit', 'HEAD')
    .option('-f, --format <md|json>', 'md or json', 'md')
    .option('-o, --out <file|dir>', 'write to this file, or to <dir>/<release>.md')
    .option('-q, --quiet', 'print nothing when writing a file')
    .action(async (opts) => {
      const { releaseNotesCommand } = await import('./commands/release-notes.js');
      setExit(await releaseNotesCommand(ctx, opts));
    });

  common(program.command('perf [routes-or-url...]'))
    .description('load-test the configured routes (or one URL) against p95 and error budgets; --export-k6 to scale out')
    .option('--method <M>', 'ad-hoc URL: HTTP method', 'GET')
    .option('--header <K: V>', 'ad-hoc URL: request header (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--body <json>', 'ad-hoc URL: request body')
    .option('--kind <read|write>', 'ad-hoc URL: which budget applies')
    .option('--threshold <expr>', "k6 threshold, e.g. 'p(95)<300' (repeatable)", (v: string, p: string[] = []) => [...p, v])
    .option('--rate <N/s>', 'arrival rate, requests per second (open model)')
    .option('--vus <N>', 'virtual users (closed model)')
    .option('--duration <10s>', 'measured time per route')
    .option('--active', 'allow load against a non-loopback host')
    .option('--export-k6 <file.js>', 'write a k6 script with the same routes and thresholds instead of running')
    .option('--baseline <report.json|previous>', 'compare p50/p95/p99, req/s and errors per route with a saved report or the previous run; exit 1 on a regression')
    .option('--tolerance <10%>', 'regression tolerance for --baseline (default perf.regressionTolerance)')
    .option('--capacity', 'step the arrival rate up (x1.5) until a budget breaks: sustainable rate per route vs 2x perf.expectedPeak')
    .option('--profile-queries', 'first profile the queries of each GET route (database.url: pg_stat_statements / performance_schema; database.otlp: traces): queries per request, repeated shapes, perf/n-plus-one, perf/too-many-queries')
    .option('--no-history', 'do not record this run in .launchready/history.db')
    .action(async (args: string[], opts) => {
      const { perfCommand } = await import('./commands/perf.js');
      setExit(await perfCommand(ctx, args, opts));
    });

  common(program.command('monitor [action] [arg]'))
    .description('uptime monitor: run (default, long-running with dashboard), check (once), ack <incident>, incidents, test-alert <channel>')
    .option('--all', 'incidents: include resolved ones')
    .option('--by <name>', 'ack: who acknowledges (default $USER)')
    .action(async (action: string | undefined, arg: string | undefined, opts) => {
      const { monitorCommand } = await import('./commands/monitor.js');
      setExit(await monitorCommand(ctx, action, arg, opts));
    });

  common(program.command('probe <base-url>'))
    .description('security baseline of one API: CORS, rate limits, admin authorization, payload limits, cookies, error leaks')
    .option('--active', 'allow bursts and oversized/malformed requests against a non-loopback host')
    .option('--dry-run', 'print the requests the probes would send, send nothing')
    .option('--burst <n>', 'requests per rate-limit burst (default 30, at most 200)')
    .option('--origin <list>', 'allowed CORS origins')
    .action(async (url: string, opts: AuditOptions & { active?: boolean; dryRun?: boolean; burst?: string; origin?: string }) => {
      const { probeCommand } = await import('./commands/probe.js');
      setExit(await probeCommand(ctx, url, opts));
    });

  program
    .command('handover')
    .description('write the handover pack (Markdown per section + one printable HTML) from the newest audit or --from report.json')
    .option('-c, --config <file>', 'config file (default: launchready.config.* in the current directory)')
    .option('--from <report.json>', 'a saved JSON report (default: the newest audit in .launchready/history.db)')
    .option('-o, --out <dir>', 'folder to write the pack into', 'handover')
    .option('--pdf', 'also print handover.pdf through headless Chromium')
    .option('-q, --quiet', 'print nothing')
    .action(async (opts) => {
      const { handoverCommand } = await import('./commands/handover.js');
      setExit(await handoverCommand(ctx, opts));
    });

  program
    .command('plan')
    .description('turn the newest audit (or --from report.json) into the 48-hour launch plan: blocks, fixes, effort, order')
    .option('-c, --config <file>', 'config file (default: launchready.config.* in the current directory)')
    .option('--from <report.json>', 'a saved JSON report (default: the newest audit in .launchready/history.db)')
    .option('-f, --format <md|html|json>', 'printed format when --out is not given', 'md')
    .option('-o, --out <dir>', 'write launch-plan.md and launch-plan.html into this folder')
    .option('-q, --quiet', 'print nothing when writing files')
    .action(async (opts) => {
      const { planCommand } = await import('./commands/handover.js');
      setExit(await planCommand(ctx, opts));
    });

  program
    .command('accept [finding]')
    .description('accept a risk: rule id, rule@target or fingerprint; recorded in .launchready/accepted.json and shown as deferred')
    .option('-c, --config <file>', 'config file (its folder holds .launchready/)')
    .option('--reason <text>', 'why it can wait (required)')
    .option('--until <YYYY-MM-DD>', 'the acceptance ends after this day and the finding counts again')
    .option('--by <name>', 'who accepts it (default: git user.name <user.email>)')
    .option('--from <report.json>', 'report to check the finding against (default: the newest audit)')
    .option('--list', 'list accepted risks')
    .option('--remove', 'remove the acceptance of <finding>')
    .action(async (finding: string | undefined, opts) => {
      const { acceptCommand } = await import('./commands/handover.js');
      setExit(await acceptCommand(ctx, finding, opts));
    });

  common(program.command('report <saved.json>'))
    .description('re-render a saved JSON report in other formats')
    .action(async (file: string, opts: AuditOptions) => setExit(await (await import('./commands/report.js')).reportCommand(ctx, file, opts)));

  program
    .command('history')
    .description('list recorded runs (.launchready/history.db)')
    .option('-c, --config <file>', 'config file whose runs to list (default: all)')
    .option('--json', 'machine-readable output')
    .option('--limit <n>', 'at most this many runs', '20')
    .action(async (opts: { config?: string; json?: boolean; limit: string }) => setExit(await (await import('./commands/history.js')).historyCommand(ctx, opts)));

  program
    .command('init [url]')
    .description('write a commented starter config (probing the URL when given)')
    .option('-o, --out <file>', 'where to write it', 'launchready.config.yaml')
    .option('--force', 'overwrite an existing file')
    .option('--resolver <host:port>', 'DNS server for probing', collect)
    .option('--connect-to <HOST:PORT:ADDR:PORT>', 'connect-to rule for probing', collect)
    .option('--ca <file>', 'extra trusted root certificates (PEM)')
    .action(async (url: string | undefined, opts) => setExit(await (await import('./commands/init.js')).initCommand(ctx, url, opts)));

  program
    .command('demo')
    .description('start a deliberately flawed marketplace on loopback, audit it, write launchready-report.html')
    .option('-o, --out <dir>', 'where to write the reports', '.')
    .option('-f, --format <list>', 'report files to write', 'html,json')
    .option('--no-color', 'no ANSI colours')
    .option('-q, --quiet', 'no progress')
    .option('--keep-running', 'leave the demo servers up after the audit (Ctrl-C to stop)')
    .option('--fixed', 'run the marketplace with its flaws repaired')
    .action(async (opts) => {
      const { demoCommand } = await import('./commands/demo.js');
      setExit(await demoCommand(ctx, opts));
    });

  return program;
}

function domainsArg(domain: string, opts: { subdomains?: string; staging?: string }) {
  const split = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
  return { apex: domain, subdomains: split(opts.subdomains), staging: split(opts.staging) };
}

function parseUrlArg(s: string): URL {
  try {
    return new URL(/^[a-z]+:\/\//i.test(s) ? s : `https://${s}`);
  } catch {
    throw new UsageError(`not a URL: "${s}"`);
  }
}

export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(s.trim());
  if (!m) throw new UsageError(`expected host or host:port, got "${s}"`);
  const port = m[3] ? Number(m[3]) : 443;
  if (!(port > 0 && port < 65536)) throw new UsageError(`port out of range in "${s}"`);
  return { host: (m[1] ?? m[2])!.toLowerCase(), port };
}

/** Runs the CLI and returns the exit code. Never calls process.exit (main() below does). */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  let code = 0;
  const program = buildProgram(ctx, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    return handleError(err, ctx);
  }
}

export function handleError(err: unknown, ctx: CliContext): number {
  if (err instanceof CommanderError) {
    // help and version exit 0; parse errors were already printed by commander
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof AbortedError) {
    ctx.stderr.write('\nstopped.\n');
    return 130;
  }
  if (err instanceof LaunchreadyError && err.exitCode === 2) {
    ctx.stderr.write(`launchready: ${err.message}\n`);
    return 2;
  }
  const e = err as Error;
  const home = ctx.env.HOME;
  const stack = (e?.stack ?? String(err)).split(ctx.cwd).join('.').split(home ?? '\0').join('~');
  ctx.stderr.write(
    `launchready: internal error: ${e?.message ?? String(err)}\n${stack}\n` +
      `This is a bug in launchready ${TOOL_VERSION}. Please report it with the command you ran (secrets removed) and the lines above.\n`,
  );
  return 3;
}

/** Process entry: wires Ctrl-C to an abort signal (second Ctrl-C exits at once). */
export async function main(): Promise<void> {
  const ac = new AbortController();
  let interrupted = 0;
  const onSigint = () => {
    interrupted++;
    if (interrupted > 1) process.exit(130);
    ac.abort();
    // Whatever is still running gets one second to close its sockets and servers.
    setTimeout(() => process.exit(130), 1000).unref();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const code = await run(process.argv.slice(2), processContext(ac.signal));
  process.exit(ac.signal.aborted && code === 0 ? 130 : code);
}
