// Forks a worker process the way node:cluster does, so Node's own worker side starts in it.
import { type ChildProcess, type ForkOptions, fork } from 'node:child_process';
import { errSocketBadPort } from './errors.js';
import { isUsingInspector, nextInspectPort } from './inspect-port.js';
import type { ClusterSettings } from './settings.js';

export interface WorkerProcessOptions {
  id: number;
  settings: ClusterSettings;
  env: NodeJS.ProcessEnv | undefined;
  /** Extra `--require` preloads Shoal adds for features that need its worker runtime. */
  preloads: readonly string[];
}

export function createWorkerProcess({ id, settings, env, preloads }: WorkerProcessOptions): ChildProcess {
  // NODE_UNIQUE_ID is what makes Node run its cluster worker side in the child.
  const workerEnv: NodeJS.ProcessEnv = { ...process.env, ...env, NODE_UNIQUE_ID: `${id}` };
  const execArgv = [...(settings.execArgv ?? [])];
  if (settings.inspectPort === null) throw errSocketBadPort('Port', null, true);
  if (isUsingInspector(settings.execArgv ?? [])) {
    execArgv.push(`--inspect-port=${nextInspectPort(settings.inspectPort)}`);
  }
  for (const preload of preloads) execArgv.push('--require', preload);
  const options: ForkOptions & { windowsHide?: boolean } = {
    cwd: settings.cwd,
    env: workerEnv,
    serialization: settings.serialization,
    silent: settings.silent,
    windowsHide: settings.windowsHide,
    execArgv,
    stdio: settings.stdio,
    gid: settings.gid,
    uid: settings.uid,
    // Shoal: a worker in a process group of its own does not get the terminal's Ctrl-C; its primary decides.
    ...(settings.detached === true ? { detached: true } : {}),
  };
  return fork(settings.exec as string, (settings.args ?? []) as string[], options);
}
