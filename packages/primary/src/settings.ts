// The settings `setupPrimary()` merges, with Node's defaults; forks read them when they happen.
import type { StdioOptions } from 'node:child_process';

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
  [setting: string]: unknown;
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
