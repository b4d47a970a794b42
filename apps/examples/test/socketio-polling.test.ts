// Socket.IO 4 over long polling under `shoal run`, with real socket.io-client sessions: sticky by the client's
// address (IP hash) or by the session id (--route-by and the app's claim), and round robin failing as it should.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../tools/test-support/index.js';
import { ProcessFixture } from '../../../tools/test-support/process-fixture.js';
import { runSession, type SessionRecord, workersOf } from './socketio-session.js';

const shoal = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const app = fileURLToPath(new URL('../src/socketio-app.js', import.meta.url));

/** `shoal run socketio-app.js -i 3` with `flags`; resolves once the three workers listen, with their pids. */
async function shoalRun(flags: string[]): Promise<{ port: number; pids: Set<string> }> {
  const port = await freePort();
  const run = ProcessFixture.start(shoal, {
    args: ['run', app, '-i', '3', '--raw', '--name', `socketio-test-${port}`, ...flags],
    env: { PORT: String(port), EXAMPLE_EVENTS: '1' },
    stderrEvents: true,
  });
  const listening = await run.waitForCount('socketio-listening', 3);
  return { port, pids: new Set(listening.map((event) => String(event.pid))) };
}

/** Every request and every event of the session was served by one worker, without a single error status. */
function expectOneWorker(record: SessionRecord, pids: Set<string>): string {
  expect(record.failure).toBeUndefined();
  expect(record.statuses.every((status) => status === 200)).toBe(true);
  expect(record.responders).toHaveLength(record.statuses.length);
  const workers = [...workersOf(record)];
  expect(workers).toHaveLength(1);
  expect(pids).toContain(workers[0]);
  return workers[0] as string;
}

describe('Socket.IO long polling under shoal run (3 workers)', () => {
  it('consistent-hash by the client address: each session stays on one worker, addresses spread', async () => {
    const { port, pids } = await shoalRun(['--strategy', 'consistent-hash']);
    const addresses = [2, 3, 4, 5, 6, 7, 8, 9].map((n) => `127.0.0.${n}`);
    const records = await Promise.all(addresses.map((localAddress) => runSession({ port, localAddress })));
    const homes = records.map((record) => expectOneWorker(record, pids));
    for (const record of records) {
      expect(record.echoes.map((echo) => echo.payload)).toEqual([...Array(20).keys()]);
      // The handshake, the connect packet, 20 events and their acks: over 40 requests, each on a connection of
      // its own.
      expect(record.responders.length).toBeGreaterThan(40);
      expect(record.connections).toBe(record.statuses.length);
    }
    expect(new Set(homes).size).toBeGreaterThan(1);
  });

  it('--route-by query:sid,cookie:io and the claim: one address, each session on one worker, sessions spread; WebSocket upgrade', async () => {
    const { port, pids } = await shoalRun(['--route-by', 'query:sid,cookie:io']);
    // Four sessions share one keep-alive pool, as a browser's tabs do: a connection opened for one session carries
    // another's polls, which the worker runtime sends back to the primary for that session's worker.
    const tabs = new http.Agent({ keepAlive: true, maxSockets: 6 });
    const records = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        runSession({
          port,
          localAddress: '127.0.0.1',
          agent: n >= 4 ? tabs : undefined,
          // Two of them upgrade to WebSocket: the upgrade request is routed by its sid like the polls.
          transports: n < 2 ? ['polling', 'websocket'] : ['polling'],
        }),
      ),
    ).finally(() => tabs.destroy());
    const homes = records.map((record) => expectOneWorker(record, pids));
    expect(new Set(homes).size).toBeGreaterThan(1);
    const shared = records.slice(4);
    const crossed = shared.some((record, i) =>
      shared.some((other, j) => i !== j && [...record.sockets].some((socket) => other.sockets.has(socket))),
    );
    expect(crossed).toBe(true);
    for (const [n, record] of records.entries()) {
      const transports = record.echoes.map((echo) => echo.transport);
      if (n < 2) {
        expect(record.echoes).toHaveLength(40);
        expect(transports.slice(20)).toEqual(Array(20).fill('websocket'));
      } else {
        expect(transports).toEqual(Array(20).fill('polling'));
      }
    }
  });

  it('round robin (the default), the control: polling sessions break with 400 "Session ID unknown"', async () => {
    const { port } = await shoalRun([]);
    const records = await Promise.all(
      Array.from({ length: 4 }, () => runSession({ port, localAddress: '127.0.0.1' })),
    );
    // The request after the handshake reaches another worker on a new connection: every session breaks.
    for (const record of records) {
      // The connect packet's POST (or the first poll) answered 400: connect_error, or a disconnect once connected.
      expect(record.failure).toMatch(
        /^(connect_error: xhr (post|poll) error|disconnect: transport error) \(400\)$/,
      );
      expect(record.statuses).toContain(400);
    }
  });
});
