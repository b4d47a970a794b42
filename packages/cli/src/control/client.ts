// The client side of a control socket: find the cluster (by name, or the only one running), send one request,
// wait for its answer. `stop` also waits for the run to end (its socket closes).
import { existsSync } from 'node:fs';
import net from 'node:net';
import { CommandError, UsageError } from '../args/usage-error.js';
import { LineSplitter } from '../output/line-splitter.js';
import type { ControlCommand, ControlResponse } from './messages.js';
import { isAlive, runningClusters, socketPath } from './paths.js';

/** The socket of the cluster `name`, or of the one cluster running when no name is given. */
export async function resolveCluster(
  dir: string,
  name: string | undefined,
): Promise<{ name: string; path: string }> {
  if (name !== undefined) {
    const file = socketPath(dir, name);
    if (existsSync(file) && (await isAlive(file))) return { name, path: file };
    const running = await runningClusters(dir);
    throw new CommandError(
      `no cluster named '${name}' is running${running.length > 0 ? ` (running: ${running.join(', ')})` : ''}`,
      'SHOAL_ERR_NO_CLUSTER',
    );
  }
  const running = await runningClusters(dir);
  if (running.length === 0)
    throw new CommandError(`no shoal cluster is running (looked in ${dir})`, 'SHOAL_ERR_NO_CLUSTER');
  if (running.length > 1)
    throw new UsageError(
      `${running.length} clusters are running: ${running.join(', ')}; say which with --name NAME`,
    );
  const only = running[0] as string;
  return { name: only, path: socketPath(dir, only) };
}

export interface ControlCall {
  command: ControlCommand;
  workers?: number;
  timeoutMs: number;
  /** Resolve only once the server has closed the connection (its process ended). */
  untilClosed?: boolean;
}

export function callControl(file: string, call: ControlCall): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(file);
    const lines = new LineSplitter();
    let answered: { result: unknown } | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new CommandError(
          `no answer to '${call.command}' within ${call.timeoutMs} ms`,
          'SHOAL_ERR_CONTROL_TIMEOUT',
        ),
      );
    }, call.timeoutMs);
    const finish = (error: Error | undefined, result?: unknown): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(result);
    };
    socket.on('connect', () => {
      const request = {
        id: 1,
        command: call.command,
        ...(call.workers === undefined ? {} : { workers: call.workers }),
      };
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk) => {
      for (const line of lines.push(chunk)) {
        const response = JSON.parse(line) as ControlResponse;
        if (!response.ok) {
          finish(new CommandError(response.error.message, response.error.code ?? 'SHOAL_ERR_CONTROL'));
          return;
        }
        answered = { result: response.result };
        if (!call.untilClosed) finish(undefined, response.result);
      }
    });
    socket.on('error', (error) => {
      // The run ending mid-stop resets the connection: that is the answer stop waits for.
      if (answered && call.untilClosed) finish(undefined, answered.result);
      else finish(error);
    });
    socket.on('close', () => {
      if (answered) finish(undefined, answered.result);
      else
        finish(
          new CommandError(
            `the cluster closed the connection before answering '${call.command}'`,
            'SHOAL_ERR_CONTROL',
          ),
        );
    });
  });
}
