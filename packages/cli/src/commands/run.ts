// `shoal run app.js`: this process becomes the primary of a supervised cluster running the app, passes the app's
// output through, reports Shoal's events on stderr, and serves the control socket (and metrics when asked).
import { existsSync, fstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { WriteStream } from 'node:tty';
import type { ShoalClusterSettings } from '@shoal/cluster';
import type { Supervisor } from '@shoal/supervisor';
import { inheritedSockets } from '../activation.js';
import { parseRunArgs, type RunSettings } from '../args/run-args.js';
import { UsageError } from '../args/usage-error.js';
import { findConfig, loadConfig, mergeSettings } from '../config.js';
import type { ControlRequest } from '../control/messages.js';
import { controlDir } from '../control/paths.js';
import { startControlServer } from '../control/server.js';
import { maxWorkers } from '../cpus.js';
import { readEnvFile } from '../env-file.js';
import { helpTexts } from '../help.js';
import { startMetricsServer } from '../metrics/server.js';
import { describe, type EventRecord, forwardSupervisorEvents, record } from '../output/events.js';
import { LiveView } from '../output/live-view.js';
import { LogFile } from '../output/log-file.js';
import { renderStatus } from '../output/status-table.js';
import { WorkerOutput } from '../output/worker-output.js';
import { watchTree } from '../watch.js';

/** Start failures of each worker before any became ready, after which the app counts as unable to start. */
const startAttemptsPerWorker = 3;

/** Resolves to -1: the process keeps running until it is stopped and exits on its own. */
export async function run(argv: readonly string[]): Promise<number> {
  const line = parseRunArgs(argv);
  if (line.help) {
    process.stdout.write(helpTexts.run as string);
    return 0;
  }
  const cwd = process.cwd();
  const configFile = findConfig(cwd, line.config);
  const settings = mergeSettings(
    configFile ? await loadConfig(configFile) : {},
    withAbsolutePaths(line.settings, cwd),
  );
  if (settings.app === undefined)
    throw new UsageError('shoal run needs the app\'s file: shoal run app.js (or "app" in shoal.config.json)');
  const app = path.resolve(cwd, settings.app);
  if (!existsSync(app)) throw new UsageError(`${settings.app}: no such file`);
  const workers =
    settings.instances === undefined || settings.instances === 'max' ? maxWorkers() : settings.instances;
  const name = settings.name ?? defaultName(app);
  const env = { ...settings.env, ...(settings.envFile ? readEnvFile(settings.envFile) : {}) };
  // Read (and removed from the environment workers inherit) before any worker starts.
  const inherited = inheritedSockets();

  // Shoal's events: a live table on a terminal, JSON lines otherwise; stdout is the app's alone.
  const stderr = process.stderr;
  process.stdout.on('error', () => {});
  const recent: EventRecord[] = [];
  let supervisor: Supervisor | undefined;
  let view: LiveView | undefined;
  const sink = (entry: EventRecord): void => {
    if (view === undefined) {
      stderr.write(`${JSON.stringify(entry)}\n`);
      return;
    }
    recent.push(entry);
    if (recent.length > 5) recent.shift();
    view.refresh();
  };
  if (stderr.isTTY) {
    view = new LiveView(stderr as WriteStream, () => {
      const table = supervisor
        ? renderStatus(supervisor.snapshot(), Date.now(), { name })
        : `shoal ${name} · starting`;
      return [table, '', ...recent.map((entry) => `${entry.time.slice(11, 19)} ${describe(entry)}`)].join(
        '\n',
      );
    });
  }

  // The control socket first: a name already in use must stop us before any worker starts.
  let startedAt = Date.now();
  const control = await startControlServer(controlDir(), name, (request) => answer(request));
  const answer = async (request: ControlRequest): Promise<unknown> => {
    if (supervisor === undefined)
      throw Object.assign(new Error('still starting'), { code: 'SHOAL_ERR_STARTING' });
    const current = supervisor;
    switch (request.command) {
      case 'status':
        return { name, pid: process.pid, app, startedAt, now: Date.now(), snapshot: current.snapshot() };
      case 'reload':
        return current.reload();
      case 'scale': {
        const n = request.workers;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
          throw Object.assign(new Error(`scale: ${JSON.stringify(n)} is not a number of workers`), {
            code: 'ERR_OUT_OF_RANGE',
          });
        await current.scale(n);
        return { size: current.size };
      }
      case 'stop':
        // A graceful shutdown, then exit — idempotent: a second `shoal stop` joins it (a second SIGTERM would force).
        setImmediate(() => {
          void current.shutdown().then(() => process.exit(process.exitCode ?? 0));
        });
        return { stopping: true };
    }
  };

  const log = settings.logFile ? new LogFile(settings.logFile) : undefined;
  const output = new WorkerOutput({
    raw: settings.raw === true,
    stdout: process.stdout,
    stderr,
    log,
    ...(view && process.stdout.isTTY ? { around: (write: () => void) => view?.around(write) } : {}),
  });

  await import('@shoal/cluster/register');
  const { supervise } = await import('@shoal/cluster');
  startedAt = Date.now();
  try {
    supervisor = supervise({
      exec: app,
      args: settings.args ?? [],
      execArgv: settings.nodeArgs ?? [],
      env,
      workers,
      readiness: settings.ready ? 'ready' : 'listening',
      signals: true,
      crashLoopExitCode: 1,
      ...(settings.shutdownDelay === undefined ? {} : { shutdownDelayMs: settings.shutdownDelay }),
      ...(settings.shutdownTimeout === undefined ? {} : { shutdownTimeoutMs: settings.shutdownTimeout }),
      ...(settings.drainTimeout === undefined ? {} : { drainTimeoutMs: settings.drainTimeout }),
      settings: {
        silent: true,
        ...strategySettings(settings),
        ...(inherited.length > 0 ? { inheritedSockets: inherited } : {}),
      },
    }) as unknown as Supervisor;
  } catch (error) {
    control.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'SHOAL_ERR_UNKNOWN_STRATEGY')
      throw new UsageError(`--strategy ${settings.strategy}: ${(error as Error).message}`);
    if (code === 'ERR_INVALID_ARG_VALUE' && settings.routeBy !== undefined)
      throw new UsageError(`--route-by ${settings.routeBy.join(',')}: ${(error as Error).message}`);
    throw error;
  }
  const running = supervisor;
  running.on('worker-start', (info) => output.attach(info.index, info.worker.process));
  forwardSupervisorEvents(running, sink);
  sink(
    record('start', {
      name,
      app,
      workers,
      pid: process.pid,
      control: control.path,
      ...(configFile ? { config: configFile } : {}),
    }),
  );
  view?.start();
  process.once('exit', () => view?.stop());

  // Nothing else may hold the event loop (a cluster scaled to 0 workers, say): `shoal run` lives until it is stopped,
  // and every way it stops ends with process.exit.
  const keepAlive = setInterval(() => {}, 1 << 30);
  running.once('shutdown-end', () => clearInterval(keepAlive));

  watchForStartFailure(running, workers, app, sink);
  running.whenReady().then(
    () => sink(record('ready', { workers: running.size, durationMs: Date.now() - startedAt })),
    () => {},
  );

  if (settings.watch) {
    const dir = path.dirname(app);
    const watcher = watchTree(
      dir,
      (files) => {
        sink(record('watch-change', { files }));
        running.reload().catch(() => {});
      },
      { ignore: [...(settings.logFile ? [settings.logFile] : []), ...ownOutputFiles()] },
    );
    running.once('shutdown-start', () => watcher.close());
    sink(record('watching', { dir }));
  }

  if (settings.metrics) {
    try {
      const server = await startMetricsServer(running, settings.metrics);
      sink(record('metrics', { host: server.host, port: server.port }));
    } catch (error) {
      stderr.write(
        `shoal: --metrics ${settings.metrics.host}:${settings.metrics.port}: ${(error as Error).message}\n`,
      );
      process.exitCode = 1;
      await running.shutdown();
      process.exit(1);
    }
  }
  return -1;
}

/** Every worker failing before any became ready: the app cannot start; its output is already on screen. */
function watchForStartFailure(
  supervisor: Supervisor,
  workers: number,
  app: string,
  sink: (entry: EventRecord) => void,
): void {
  let everReady = false;
  let failures = 0;
  supervisor.once('worker-ready', () => {
    everReady = true;
  });
  supervisor.on('worker-exit', (_info, exit) => {
    if (everReady || exit.intended) return;
    if (++failures < startAttemptsPerWorker * Math.max(1, workers)) return;
    everReady = true; // report once
    const how = exit.signal ?? `code ${exit.code}`;
    sink(record('start-failed', { app, failures, lastExit: exit }));
    process.stderr.write(
      `shoal: ${path.basename(app)} failed to start: its workers exited ${failures} times before any was ready (last: ${how}); its output is above\n`,
    );
    process.exitCode = 1;
    void supervisor.shutdown().then(() => process.exit(1));
  });
}

function withAbsolutePaths(settings: RunSettings, cwd: string): RunSettings {
  const out = { ...settings };
  for (const key of ['app', 'envFile', 'logFile'] as const) {
    const value = out[key];
    if (value !== undefined) out[key] = path.resolve(cwd, value);
  }
  return out;
}

/** The app's file name without extension, made safe for a socket's file name. */
function defaultName(app: string): string {
  const base = path
    .basename(app, path.extname(app))
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[.-]+/, '');
  return base === '' ? 'app' : base.slice(0, 64);
}

/** The files this process's stdout and stderr are redirected to (`shoal run … > run.log`): --watch ignores them. */
function ownOutputFiles(): string[] {
  const files: string[] = [];
  for (const fd of [1, 2]) {
    try {
      if (fstatSync(fd).isFile()) files.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // Not Linux, or not a file: nothing to ignore.
    }
  }
  return files;
}

type StrategyOptions = NonNullable<ShoalClusterSettings['strategyOptions']>;

/** `--strategy`, and `--route-by`, which means `consistent-hash` routing by what each connection sends first. */
function strategySettings(settings: RunSettings): { strategy?: string; strategyOptions?: StrategyOptions } {
  if (settings.routeBy === undefined) {
    if (settings.proxyFrom !== undefined) throw new UsageError('--proxy-from needs --route-by (with proxy)');
    return settings.strategy === undefined ? {} : { strategy: settings.strategy };
  }
  const strategy = settings.strategy ?? 'consistent-hash';
  if (strategy !== 'consistent-hash')
    throw new UsageError(
      `--route-by needs --strategy consistent-hash (the default with it), not ${strategy}`,
    );
  // Checked by the strategy as the primary sets up: a bad source is a usage error there.
  const routeBy = settings.routeBy as StrategyOptions['routeBy'];
  return {
    strategy,
    strategyOptions:
      settings.proxyFrom === undefined ? { routeBy } : { routeBy, proxyFrom: settings.proxyFrom },
  };
}
