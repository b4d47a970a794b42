// Shared by the example tests: starts an example as a real process (primary and workers in their own process
// group, killed after each test) with JSON-line events switched on and an ephemeral port.
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { type FixtureEvent, ProcessFixture } from '../../../tools/test-support/index.js';

export { type FixtureEvent, get, ProcessFixture } from '../../../tools/test-support/index.js';

export function exampleScript(file: string): string {
  return fileURLToPath(new URL(`../src/${file}`, import.meta.url));
}

export function startExample(file: string, env: Record<string, string> = {}): ProcessFixture {
  return ProcessFixture.start(exampleScript(file), { env: { EXAMPLE_EVENTS: '1', PORT: '0', ...env } });
}

/** Where an event stands in the order the example printed its events. */
export function position(app: ProcessFixture, event: FixtureEvent | undefined): number {
  if (event === undefined) throw new Error('no such event');
  const index = app.events.indexOf(event);
  if (index === -1) throw new Error(`event not printed by this example: ${JSON.stringify(event)}`);
  return index;
}

/** The one event named `name` matching `fields`, failing if there are none or several. */
export function only(app: ProcessFixture, name: string, fields: Record<string, unknown> = {}): FixtureEvent {
  const found = app
    .named(name)
    .filter((event) => Object.entries(fields).every(([key, value]) => event[key] === value));
  if (found.length !== 1) {
    throw new Error(
      `expected one '${name}' ${JSON.stringify(fields)}, found ${found.length}:\n${app.output.join('\n')}`,
    );
  }
  return found[0]!;
}

export async function expectCleanExit(app: ProcessFixture): Promise<void> {
  const result = await app.waitForExit();
  if (result.code !== 0)
    throw new Error(`example exited with ${JSON.stringify(result)}:\n${app.output.join('\n')}`);
  expect(result).toEqual({ code: 0, signal: null });
}

export interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent, once the connection has closed. */
  closed: Promise<{ received: string; endedByServer: boolean }>;
  /** Resolves once the server has sent text containing `fragment`. */
  receive(fragment: string): Promise<void>;
}

/** A plain TCP connection to 127.0.0.1:port that records what the server sends. */
export function connect(port: number): RawConnection {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let received = '';
  let endedByServer = false;
  const waiters: { fragment: string; resolve(): void }[] = [];
  socket.on('data', (chunk: string) => {
    received += chunk;
    for (const waiter of [...waiters]) {
      if (received.includes(waiter.fragment)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  socket.on('end', () => {
    endedByServer = true;
  });
  socket.on('error', () => {});
  const closed = new Promise<{ received: string; endedByServer: boolean }>((resolve) =>
    socket.on('close', () => resolve({ received, endedByServer })),
  );
  const receive = (fragment: string) =>
    received.includes(fragment)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ fragment, resolve });
          closed.then(() =>
            reject(new Error(`connection closed before '${fragment}' arrived; got '${received}'`)),
          );
        });
  return { socket, closed, receive };
}
