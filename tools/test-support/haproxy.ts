// A real HAProxy for a test: its configuration in a temporary directory, run in the foreground on a free port,
// its runtime API (stats socket) to read what it sees of each server, stopped after the test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connects, freePort } from './free-port.js';
import { pollUntil } from './poll.js';
import { findBinary, ServerProcess } from './server-process.js';

/** haproxy on PATH, else Debian's /usr/sbin/haproxy; undefined when neither is there. */
export const haproxyBinary: string | undefined = findBinary(['haproxy'], ['/usr/sbin', '/usr/local/sbin']);

export interface HaproxyPlaces {
  /** The port the caller's frontend binds on 127.0.0.1 (free when chosen). */
  port: number;
  /** The temporary directory the configuration lives in (removed after the test). */
  dir: string;
}

/** One server (or the backend's or frontend's aggregate line) as `show stat` reports it. */
export interface HaproxyStat {
  proxy: string;
  server: string;
  /** `UP`, `DOWN`, `MAINT`, `no check`, or a transition such as `UP 1/2`. */
  status: string;
  /** Sessions now, and in total since start. */
  current: number;
  total: number;
  /**
   * The last health check's result, e.g. `L7OK`, `L7STS` (wrong status), `L4CON` (refused); HAProxy's `* ` prefix
   * for a check under way is taken off (see `checkRunning`).
   */
  check: string;
  /** A check was under way when the stats were read. */
  checkRunning: boolean;
  /** Failed checks since start (`chkfail`). */
  checkFailures: number;
  /** Connection retries, and redispatches to another server (`wretr`, `wredis`). */
  retries: number;
  redispatches: number;
  /** Failed connections to the server, and responses that failed or were cut (`econ`, `eresp`). */
  connectionErrors: number;
  responseErrors: number;
  /** Transfers aborted by the server, and answers with a 5xx status (`srv_abrt`, `hrsp_5xx`). */
  serverAborts: number;
  http5xx: number;
}

export interface Haproxy extends AsyncDisposable {
  readonly port: number;
  readonly dir: string;
  readonly statsSocket: string;
  readonly process: ServerProcess;
  /** One runtime API command (`show stat`, `show servers state`, `disable server be/a`, …): its whole answer. */
  command(line: string): Promise<string>;
  stats(): Promise<HaproxyStat[]>;
  /** Resolves once `show stat` reports `proxy/server` with exactly `status`, or rejects after `timeoutMs`. */
  waitForServer(proxy: string, server: string, status: string, timeoutMs?: number): Promise<HaproxyStat>;
  stop(): Promise<void>;
}

/**
 * Writes `config(places)` next to a `global` section of the helper's own (the stats socket: do not set one),
 * starts `haproxy -db` on it, and resolves once the stats socket answers and the frontend port accepts. A port
 * taken between choosing and binding (HAProxy exits: cannot bind) is retried with another.
 */
export async function startHaproxy(
  config: (places: HaproxyPlaces) => string,
  options: { binary?: string; timeoutMs?: number } = {},
): Promise<Haproxy> {
  const binary = options.binary ?? haproxyBinary;
  if (binary === undefined) throw new Error('haproxy is not installed');
  const timeoutMs = options.timeoutMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shoal-haproxy-'));
    const port = await freePort();
    const statsSocket = path.join(dir, 'admin.sock');
    const globalFile = path.join(dir, 'global.cfg');
    const configFile = path.join(dir, 'haproxy.cfg');
    writeFileSync(
      globalFile,
      // Server state changes are printed on stderr in the foreground, so a failed test shows them.
      `global\n  stats socket ${statsSocket} mode 600 level admin\n  stats timeout 10s\n`,
    );
    writeFileSync(configFile, config({ port, dir }));
    const server = new ServerProcess(binary, ['-db', '-f', globalFile, '-f', configFile], { removeDir: dir });
    const haproxy = handle(server, port, dir, statsSocket);
    try {
      await pollUntil(
        async () => {
          if (!server.alive) throw new ExitedError(server);
          await haproxy.command('show info');
          await connects(port);
          return true;
        },
        { timeoutMs, what: `haproxy on 127.0.0.1:${port}`, describe: () => server.transcript() },
      );
      return haproxy;
    } catch (error) {
      await server.stop();
      const bindFailed = server.output.some((line) => /cannot bind socket|Address already in use/.test(line));
      if (bindFailed && attempt < 5) continue;
      throw error instanceof ExitedError || !server.alive
        ? new Error(`haproxy exited at start:\n${server.transcript()}`)
        : error;
    }
  }
}

class ExitedError extends Error {
  constructor(server: ServerProcess) {
    super(`haproxy exited:\n${server.transcript()}`);
  }
}

function handle(server: ServerProcess, port: number, dir: string, statsSocket: string): Haproxy {
  const command = (line: string) => runtimeCommand(statsSocket, line);
  const stats = async () => parseStats(await command('show stat'));
  return {
    port,
    dir,
    statsSocket,
    process: server,
    command,
    stats,
    waitForServer: (proxy, name, status, timeoutMs = 10_000) =>
      pollUntil(
        async () => {
          if (!server.alive) throw new Error(`haproxy exited:\n${server.transcript()}`);
          const line = (await stats()).find((stat) => stat.proxy === proxy && stat.server === name);
          return line?.status === status ? line : undefined;
        },
        {
          timeoutMs,
          what: `${proxy}/${name} ${status} on haproxy's stats socket`,
          describe: async () =>
            `${JSON.stringify(await stats().catch(() => []))}\nhaproxy output:\n${server.transcript()}`,
        },
      ),
    stop: () => server.stop(),
    [Symbol.asyncDispose]: () => server.stop(),
  };
}

/** The runtime API answers one command per connection and then closes it. */
function runtimeCommand(socketPath: string, line: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`'${line}' got no answer in ${timeoutMs} ms`)),
    );
    socket.once('connect', () => socket.write(`${line}\n`));
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.once('end', () => resolve(answer));
    socket.once('error', reject);
  });
}

function parseStats(csv: string): HaproxyStat[] {
  const lines = csv.split('\n').filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').replace(/^# /, '').split(',');
  const column = (name: string) => header.indexOf(name);
  const at = { px: column('pxname'), sv: column('svname'), status: column('status') };
  const numbers = {
    scur: column('scur'),
    stot: column('stot'),
    wretr: column('wretr'),
    wredis: column('wredis'),
    econ: column('econ'),
    eresp: column('eresp'),
    srvAbrt: column('srv_abrt'),
    http5xx: column('hrsp_5xx'),
    chkfail: column('chkfail'),
  };
  const check = column('check_status');
  return lines.map((line) => {
    const cells = line.split(',');
    const checkStatus = cells[check] ?? '';
    return {
      proxy: cells[at.px] ?? '',
      server: cells[at.sv] ?? '',
      status: cells[at.status] ?? '',
      current: Number(cells[numbers.scur] ?? 0),
      total: Number(cells[numbers.stot] ?? 0),
      check: checkStatus.replace(/^\* /, ''),
      checkRunning: checkStatus.startsWith('* '),
      checkFailures: Number(cells[numbers.chkfail] || 0),
      retries: Number(cells[numbers.wretr] ?? 0),
      redispatches: Number(cells[numbers.wredis] ?? 0),
      connectionErrors: Number(cells[numbers.econ] || 0),
      responseErrors: Number(cells[numbers.eresp] || 0),
      serverAborts: Number(cells[numbers.srvAbrt] || 0),
      http5xx: Number(cells[numbers.http5xx] || 0),
    };
  });
}
