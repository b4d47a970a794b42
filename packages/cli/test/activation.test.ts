// systemd socket activation end to end: the test binds a socket and starts a supervised primary the way systemd
// does (the socket as fd 3, LISTEN_FDS=1, LISTEN_PID set to the primary's own pid just before it execs), whose
// workers then serve that socket — also a replacement for a worker that died. And the protocol's rules, unit-tested.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { greeting } from '../../../tools/test-support/index.js';
import { inheritedSockets } from '../src/activation.js';
import { fixture } from './support.js';

interface Event {
  event: string;
  [field: string]: unknown;
}

describe('inheritedSockets()', () => {
  it('takes LISTEN_FDS fds from 3 on when LISTEN_PID is this pid, and clears the variables', () => {
    const env: NodeJS.ProcessEnv = {
      LISTEN_PID: '4242',
      LISTEN_FDS: '2',
      LISTEN_FDNAMES: 'http:https',
      HOME: '/x',
    };
    expect(inheritedSockets(env, 4242)).toEqual([3, 4]);
    expect(env).toEqual({ HOME: '/x' });
  });

  it('takes nothing meant for another process, or malformed, and clears the variables all the same', () => {
    for (const env of [
      { LISTEN_PID: '4243', LISTEN_FDS: '1' },
      { LISTEN_PID: '4242', LISTEN_FDS: 'two' },
      { LISTEN_PID: '4242', LISTEN_FDS: '-1' },
      { LISTEN_PID: '', LISTEN_FDS: '1' },
      { LISTEN_FDS: '1' },
      {},
    ] as NodeJS.ProcessEnv[]) {
      expect(inheritedSockets(env, 4242)).toEqual([]);
      expect(env).toEqual({});
    }
  });

  it('reads and clears process.env by default', () => {
    process.env.LISTEN_PID = String(process.pid);
    process.env.LISTEN_FDS = '1';
    expect(inheritedSockets()).toEqual([3]);
    expect(process.env.LISTEN_PID).toBeUndefined();
    expect(process.env.LISTEN_FDS).toBeUndefined();
  });
});

const running = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all(
    [...running].map(async (child) => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }),
  );
  running.clear();
});

/**
 * Starts the fixture as systemd starts a socket-activated service: `sh` receives the socket as fd 3, sets
 * LISTEN_PID to its own pid ($$) and execs node, which keeps that pid and that fd.
 */
function activate(handle: object, env: NodeJS.ProcessEnv) {
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      'LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"',
      process.execPath,
      fixture('activation-primary.mjs'),
    ],
    {
      env: { ...process.env, LISTEN_FDS: '1', LISTEN_FDNAMES: 'http', ...env },
      stdio: ['pipe', 'pipe', 'pipe', handle as never],
      detached: true,
    },
  );
  running.add(child);
  const events: Event[] = [];
  const output: string[] = [];
  const waiters = new Set<() => void>();
  const onLine = (line: string): void => {
    output.push(line);
    if (line.startsWith('{')) events.push(JSON.parse(line) as Event);
    for (const wake of [...waiters]) wake();
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(`stderr: ${line}`));
  const waitFor = (test: (event: Event) => boolean, what: string): Promise<Event> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = events.find(test);
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what}; output:\n${output.join('\n')}`));
      }, 20_000);
      waiters.add(check);
      check();
    });
  const send = (command: object): void => {
    child.stdin!.write(`${JSON.stringify(command)}\n`);
  };
  return { child, events, waitFor, send };
}

/** Inodes of every socket listening on `port` (/proc/net/tcp, tcp6): a socket a worker bound would show. */
function listeningInodes(port: number): string[] {
  const inodes: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const localPort = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
      if (localPort === port && fields[3] === '0A') inodes.push(fields[9] as string);
    }
  }
  return inodes;
}

describe.skipIf(process.platform !== 'linux')('socket activation (real processes)', () => {
  it('a supervised primary serves the socket it was passed; a replaced worker serves it again', async () => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const handle = (server as unknown as { _handle: { fd: number } })._handle;
    const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${handle.fd}`))?.[1];
    const primary = activate(handle, { PORT: String(port) });
    // The child holds the socket now; this process stops accepting on it.
    server.close();

    const activation = await primary.waitFor((event) => event.event === 'activation', 'activation');
    expect(activation).toMatchObject({ fds: [3], left: [] });
    await primary.waitFor((event) => event.event === 'ready', 'ready');
    const listening = primary.events.filter((event) => event.event === 'worker:listening');
    expect(listening).toHaveLength(2);
    // Workers never see the variables: they were cleared before the first fork.
    for (const event of listening) expect(event).toMatchObject({ address: { port }, listenEnv: [] });

    const served = new Set<string>();
    for (let i = 0; i < 8; i++) served.add((await greeting({ port })).replace(/ pid \d+$/, ''));
    expect(served).toEqual(new Set(['worker 0', 'worker 1']));
    expect(listeningInodes(port)).toEqual([inode]);

    primary.send({ do: 'kill', index: 0 });
    await primary.waitFor((event) => event.event === 'worker:exit' && event.index === 0, 'worker 0 exit');
    const readyAt0 = (event: Event): boolean => event.event === 'worker:ready' && event.index === 0;
    // The second worker 0 to be ready: its replacement.
    const replaced = await primary.waitFor(
      (event) => readyAt0(event) && primary.events.filter(readyAt0).indexOf(event) === 1,
      'worker 0 replaced',
    );
    const lines = new Set<string>();
    for (let i = 0; i < 8; i++) lines.add(await greeting({ port }));
    expect(lines).toContain(`worker 0 pid ${replaced.pid as number}`);
    expect(listeningInodes(port)).toEqual([inode]);
  });
});
