// What `supervise()` takes, checked once, with the defaults filled in.
import os from 'node:os';
import type { ClusterSettings } from '@shoal/primary';
import { errInvalidArgType, errInvalidArgValue, errOutOfRange } from '@shoal/protocol/node-errors';
import {
  type MemoryLimits,
  type ResolvedHangOptions,
  type RestartPolicy,
  type RestartPolicyOptions,
  resolveHangOptions,
  resolveMemoryLimits,
  resolveRestartPolicy,
} from '../decisions/index.js';

export interface SuperviseOptions {
  /** The worker program (default: this process's main script, as node:cluster). */
  exec?: string;
  args?: readonly string[];
  execArgv?: readonly string[];
  cwd?: string;
  /** Extra environment for every worker (on top of this process's). */
  env?: NodeJS.ProcessEnv;
  /** Node's other `setupPrimary()` settings, and Shoal's (`strategy`, `weightOf`, `serialization`, …). */
  settings?: ClusterSettings;
  /** How many workers (default `os.availableParallelism()`). */
  workers?: number;
  /**
   * When a worker counts as ready: `'listening'` (default) when one of its servers listens; `'ready'` when it calls
   * `ready()` from `@shoal/worker` (or PM2's `process.send('ready')`).
   */
  readiness?: 'listening' | 'ready';
  /** Longest time from fork to ready before the start counts as failed (default 30 000 ms). */
  readyTimeoutMs?: number;
  /** Workers replaced at a time in a rolling reload (default 1). */
  reloadBatch?: number;
  /** Longest wait for a worker's connections to finish when it is stopped (default 10 000 ms). */
  drainTimeoutMs?: number;
  /** Kill ladder: waits after disconnect and after SIGTERM (defaults 5 000 and 3 000 ms). */
  disconnectTimeoutMs?: number;
  termTimeoutMs?: number;
  /** Graceful shutdown: keep serving this long after readiness turns false (default 0), then drain within the
   * whole budget (default 30 000 ms: Kubernetes' default grace period), then kill what is left. */
  shutdownDelayMs?: number;
  shutdownTimeoutMs?: number;
  /**
   * Heartbeat interval, the silence after which a worker counts as hung, and the start-up grace before its first
   * heartbeat is due (defaults 500, 2 000 and 3 000 ms); false turns hang detection off.
   */
  heartbeat?: { intervalMs?: number; thresholdMs?: number; graceMs?: number } | false;
  /** Replace (rolling) a worker over these limits, in bytes, seen in `consecutive` heartbeats (default 2). */
  memory?: { maxRssBytes?: number; maxHeapBytes?: number; consecutive?: number };
  /** Respawn policy: backoff (100 ms doubling to 15 s, ±20 % jitter, reset after 30 s up) and crash loop (10
   * exits under 1 s of uptime within 60 s). */
  restart?: RestartPolicyOptions;
  /** Install SIGHUP (reload) and SIGTERM/SIGINT (shutdown) handlers (default true). */
  signals?: boolean;
  /** On a crash loop, shut down and exit the process with this code (default: keep running, only report). */
  crashLoopExitCode?: number;
}

export interface ResolvedOptions {
  settings: ClusterSettings;
  env: NodeJS.ProcessEnv;
  workers: number;
  readiness: 'listening' | 'ready';
  readyTimeoutMs: number;
  reloadBatch: number;
  drainTimeoutMs: number;
  disconnectTimeoutMs: number;
  termTimeoutMs: number;
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  /** 0: no heartbeats, no hang detection. */
  heartbeatIntervalMs: number;
  hang: ResolvedHangOptions;
  memory: MemoryLimits;
  restart: RestartPolicy;
  signals: boolean;
  crashLoopExitCode: number | undefined;
}

function integer(value: unknown, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw errInvalidArgType(name, 'number', value);
  if (!Number.isInteger(value) || value < min) throw errOutOfRange(name, `an integer >= ${min}`, value);
  return value;
}

export function resolveOptions(options: SuperviseOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw errInvalidArgType('options', 'object', options);
  const workers = integer(options.workers, 'options.workers', os.availableParallelism(), 0);
  const readiness = options.readiness ?? 'listening';
  if (readiness !== 'listening' && readiness !== 'ready')
    throw errInvalidArgValue('options.readiness', readiness, "must be 'listening' or 'ready'");
  const heartbeat = options.heartbeat === false ? undefined : (options.heartbeat ?? {});
  if (options.signals !== undefined && typeof options.signals !== 'boolean')
    throw errInvalidArgType('options.signals', 'boolean', options.signals);
  const settings: ClusterSettings = { ...options.settings };
  if (options.exec !== undefined) settings.exec = options.exec;
  if (options.args !== undefined) settings.args = options.args;
  if (options.execArgv !== undefined) settings.execArgv = options.execArgv;
  if (options.cwd !== undefined) settings.cwd = options.cwd;
  return {
    settings,
    env: { ...options.env },
    workers,
    readiness,
    readyTimeoutMs: integer(options.readyTimeoutMs, 'options.readyTimeoutMs', 30_000, 1),
    reloadBatch: integer(options.reloadBatch, 'options.reloadBatch', 1, 1),
    drainTimeoutMs: integer(options.drainTimeoutMs, 'options.drainTimeoutMs', 10_000),
    disconnectTimeoutMs: integer(options.disconnectTimeoutMs, 'options.disconnectTimeoutMs', 5_000),
    termTimeoutMs: integer(options.termTimeoutMs, 'options.termTimeoutMs', 3_000),
    shutdownDelayMs: integer(options.shutdownDelayMs, 'options.shutdownDelayMs', 0),
    shutdownTimeoutMs: integer(options.shutdownTimeoutMs, 'options.shutdownTimeoutMs', 30_000, 1),
    heartbeatIntervalMs:
      heartbeat === undefined ? 0 : integer(heartbeat.intervalMs, 'options.heartbeat.intervalMs', 500, 10),
    hang: resolveHangOptions(
      heartbeat === undefined ? {} : { thresholdMs: heartbeat.thresholdMs, graceMs: heartbeat.graceMs },
      'options.heartbeat',
    ),
    memory: resolveMemoryLimits(options.memory ?? {}, 'options.memory'),
    restart: resolveRestartPolicy(options.restart ?? {}, 'options.restart'),
    signals: options.signals ?? true,
    crashLoopExitCode:
      options.crashLoopExitCode === undefined
        ? undefined
        : integer(options.crashLoopExitCode, 'options.crashLoopExitCode', 1, 0),
  };
}
