// The settings `setupPrimary()` merges, with Node's defaults; forks read them when they happen.
import type { StdioOptions } from 'node:child_process';
import type { StrategyOptions, StrategySpec } from '@shoal/scheduler';
import { errInvalidArgType } from './errors.js';
import type { Worker } from './worker.js';

export interface ClusterSettings {
  exec?: string;
  args?: readonly string[];
  execArgv?: readonly string[];
  cwd?: string;
  serialization?: 'json' | 'advanced';
  silent?: boolean;
  stdio?: StdioOptions;
  uid?: number;
  gid?: number;
  inspectPort?: number | (() => number);
  windowsHide?: boolean;
  /**
   * Shoal: how the primary distributes connections — a strategy name, a strategy object (shared by every listen
   * key), a class or a factory (one instance per key), or a pick function. Frozen at the first setup or fork.
   */
  strategy?: StrategySpec;
  /**
   * Shoal: options for a built-in strategy named by `strategy` (e.g. `{ routeBy: 'cookie:sid' }` for
   * `consistent-hash`); frozen with it.
   */
  strategyOptions?: StrategyOptions;
  /** Shoal: load Shoal's worker runtime into workers (true), never (false), or when a feature needs it (unset). */
  workerRuntime?: boolean;
  /**
   * Shoal: start workers in process groups of their own, so a terminal's Ctrl-C (sent to the whole foreground
   * group) reaches only the primary, which stops them in order. Off by default, as in node:cluster.
   */
  detached?: boolean;
  /** Shoal: a worker's weight (an integer 1–1000) for weighted strategies, asked as it joins a listen key. */
  weightOf?: (worker: Worker) => number;
  /**
   * Shoal: fds of listening TCP or Unix sockets this process inherited bound (systemd socket activation). A worker
   * listening on one's port (same or unspecified address), pipe path or fd is served from it instead of a bind;
   * it stays open when the key closes, for the next worker. Read at each setup that names them.
   */
  inheritedSockets?: readonly number[];
  [setting: string]: unknown;
}

/** Checks the settings Shoal adds, with Node's error codes; Node's own settings are checked where Node does. */
export function validateSettings(options: ClusterSettings | undefined): void {
  if (options === undefined || options === null) return;
  if (options.weightOf !== undefined && typeof options.weightOf !== 'function')
    throw errInvalidArgType('options.weightOf', 'function', options.weightOf);
  if (options.detached !== undefined && typeof options.detached !== 'boolean')
    throw errInvalidArgType('options.detached', 'boolean', options.detached);
  const strategyOptions = options.strategyOptions;
  if (strategyOptions !== undefined && (typeof strategyOptions !== 'object' || strategyOptions === null))
    throw errInvalidArgType('options.strategyOptions', 'Object', strategyOptions);
  if (options.workerRuntime !== undefined && typeof options.workerRuntime !== 'boolean')
    throw errInvalidArgType('options.workerRuntime', 'boolean', options.workerRuntime);
  const inherited = options.inheritedSockets;
  if (inherited !== undefined) {
    if (!Array.isArray(inherited)) throw errInvalidArgType('options.inheritedSockets', 'Array', inherited);
    inherited.forEach((fd: unknown, index) => {
      if (!Number.isInteger(fd) || (fd as number) < 0)
        throw errInvalidArgType(`options.inheritedSockets[${index}]`, 'a non-negative integer', fd);
    });
  }
}

/**
 * Merges `options` over the current settings and Node's defaults (args and exec from this process's argv,
 * its execArgv, silent false), cumulatively as node:cluster does.
 */
export function mergeSettings(
  current: ClusterSettings,
  options: ClusterSettings | undefined,
): ClusterSettings {
  const settings: ClusterSettings = {
    args: process.argv.slice(2),
    exec: process.argv[1],
    execArgv: process.execArgv,
    silent: false,
    ...current,
    ...options,
  };
  const execArgv = settings.execArgv ?? [];
  // V8 writes every process's profile to one file unless each gets its own log name.
  if (
    execArgv.some((arg) => arg.startsWith('--prof')) &&
    !execArgv.some((arg) => arg.startsWith('--logfile='))
  ) {
    settings.execArgv = [...execArgv, '--logfile=v8-%p.log'];
  }
  return settings;
}
