// Where control sockets live ($XDG_RUNTIME_DIR/shoal/, else ~/.shoal/run/, mode 0700) and which are alive.
import { mkdirSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function controlDir(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime ? path.join(runtime, 'shoal') : path.join(env.HOME || os.homedir(), '.shoal', 'run');
}

export function ensureControlDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export function socketPath(dir: string, name: string): string {
  return path.join(dir, `${name}.sock`);
}

/** True when something answers on the socket; false for a file a dead run left (ECONNREFUSED) or none. */
export function isAlive(file: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(file);
    const done = (alive: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Names of the clusters whose control socket answers. */
export async function runningClusters(dir: string): Promise<string[]> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.sock'));
  } catch {
    return [];
  }
  const alive = await Promise.all(files.map((file) => isAlive(path.join(dir, file))));
  return files
    .filter((_, i) => alive[i])
    .map((file) => file.slice(0, -'.sock'.length))
    .sort();
}
