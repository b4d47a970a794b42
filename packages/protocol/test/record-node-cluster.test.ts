// Runs the real node:cluster (fixtures/record-node-cluster.mjs) and checks that every message Node's
// primary and worker exchanged parses, that every kind was seen, and that replies match requests.
import { fileURLToPath } from 'node:url';
import { deserialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type PrimaryMessage,
  parsePrimaryMessage,
  parseWorkerMessage,
  type WorkerMessage,
} from '../src/index.js';
import { killAll, runToCompletion } from './helpers/child-processes.js';

const fixture = fileURLToPath(new URL('./fixtures/record-node-cluster.mjs', import.meta.url));
const RUN_TIMEOUT_MS = 15_000;

afterEach(() => {
  killAll();
});

interface Scenario {
  name: string;
  policy: 'rr' | 'none';
  transport: 'tcp' | 'tcp-nohost' | 'pipe' | 'udp4';
  disconnectBy: 'primary' | 'worker';
  serialization: 'json' | 'advanced';
  workerKinds: string[];
  primaryKinds: string[];
}

const scenarios: Scenario[] = [
  {
    name: 'round robin, TCP on 127.0.0.1, primary disconnects',
    policy: 'rr',
    transport: 'tcp',
    disconnectBy: 'primary',
    serialization: 'json',
    workerKinds: ['online', 'queryServer', 'listening', 'newconn reply'],
    primaryKinds: ['queryServer reply', 'newconn', 'disconnect'],
  },
  {
    name: 'shared handle, TCP without host, worker disconnects itself',
    policy: 'none',
    transport: 'tcp-nohost',
    disconnectBy: 'worker',
    serialization: 'json',
    workerKinds: ['online', 'queryServer', 'listening', 'close', 'exitedAfterDisconnect'],
    primaryKinds: ['queryServer reply', 'ack'],
  },
  {
    name: 'dgram udp4 (always shared), primary disconnects',
    policy: 'rr',
    transport: 'udp4',
    disconnectBy: 'primary',
    serialization: 'json',
    workerKinds: ['online', 'queryServer', 'listening'],
    primaryKinds: ['queryServer reply', 'disconnect'],
  },
  {
    name: 'round robin, advanced serialization, worker disconnects itself',
    policy: 'rr',
    transport: 'tcp',
    disconnectBy: 'worker',
    serialization: 'advanced',
    workerKinds: ['online', 'queryServer', 'listening', 'newconn reply', 'close', 'exitedAfterDisconnect'],
    primaryKinds: ['queryServer reply', 'newconn', 'ack'],
  },
  {
    name: 'round robin, UNIX socket with readableAll',
    policy: 'rr',
    transport: 'pipe',
    disconnectBy: 'primary',
    serialization: 'json',
    workerKinds: ['online', 'queryServer', 'listening', 'newconn reply'],
    primaryKinds: ['queryServer reply', 'newconn', 'disconnect'],
  },
];

interface Recording {
  node: string;
  schedulingPolicy: string;
  received: unknown[];
  sent: unknown[];
  v8: string;
}

function workerKind(message: WorkerMessage): string {
  return message.act ?? 'newconn reply';
}

function primaryKind(message: PrimaryMessage): string {
  if (message.act !== undefined) return message.act;
  return 'key' in message && message.key !== undefined ? 'queryServer reply' : 'ack';
}

function parseAll<T>(
  raws: unknown[],
  parse: (raw: unknown) => { ok: true; message: T } | { ok: false; error: Error },
): T[] {
  return raws.map((raw) => {
    const result = parse(raw);
    if (!result.ok) throw new Error(`${result.error.message} in ${JSON.stringify(raw)}`);
    return result.message;
  });
}

async function record(binary: string, scenario: Scenario): Promise<Recording> {
  const { code, signal, stdout, stderr } = await runToCompletion(
    binary,
    [fixture, scenario.transport, scenario.disconnectBy, scenario.serialization],
    { env: { ...process.env, NODE_CLUSTER_SCHED_POLICY: scenario.policy }, timeoutMs: RUN_TIMEOUT_MS },
  );
  expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  return JSON.parse(stdout) as Recording;
}

function nodeMajor(version: string): number {
  return Number(/^v(\d+)\./.exec(version)?.[1]);
}

async function checkScenario(binary: string, scenario: Scenario): Promise<void> {
  const recording = await record(binary, scenario);
  expect(recording.schedulingPolicy).toBe(scenario.policy);
  // The v8 copy has the objects exactly as handed to / received from IPC (undefined fields included).
  const exact = deserialize(Buffer.from(recording.v8, 'base64')) as { received: unknown[]; sent: unknown[] };

  const fromWorker = parseAll(recording.received, parseWorkerMessage);
  const fromPrimary = parseAll(recording.sent, parsePrimaryMessage);
  parseAll(exact.received, parseWorkerMessage);
  parseAll(exact.sent, parsePrimaryMessage);

  const workerKinds = new Set(fromWorker.map(workerKind));
  const primaryKinds = new Set(fromPrimary.map(primaryKind));
  for (const kind of scenario.workerKinds) expect(workerKinds, `worker → primary ${kind}`).toContain(kind);
  for (const kind of scenario.primaryKinds) expect(primaryKinds, `primary → worker ${kind}`).toContain(kind);

  // Every reply's ack is the seq of the request it answers.
  for (const reply of fromPrimary) {
    if (reply.act !== undefined) continue;
    const request = fromWorker.find((message) => message.seq === reply.ack);
    expect(request?.act, `request for ${JSON.stringify(reply)}`).toBe(
      primaryKind(reply) === 'queryServer reply' ? 'queryServer' : 'exitedAfterDisconnect',
    );
  }
  for (const reply of fromWorker) {
    if (reply.act !== undefined) continue;
    expect(fromPrimary.find((message) => message.seq === reply.ack)?.act).toBe('newconn');
  }

  const query = fromWorker.find((message) => message.act === 'queryServer');
  const listening = fromWorker.find((message) => message.act === 'listening');
  if (query?.act !== 'queryServer' || listening?.act !== 'listening')
    throw new Error('no queryServer/listening');
  expect(listening.index).toBe(query.index);
  switch (scenario.transport) {
    case 'tcp':
      expect(query).toMatchObject({ address: '127.0.0.1', port: 0, addressType: 4, flags: 0 });
      expect(listening.port).toBeGreaterThan(0);
      break;
    case 'tcp-nohost':
      expect(query).toMatchObject({ address: null, port: 0, addressType: 4 });
      // Node 22 added flags to a TCP listen without host; Node 20 leaves it undefined (absent in JSON).
      if (nodeMajor(recording.node) >= 22) expect(query.flags).toBe(0);
      else expect('flags' in query).toBe(false);
      break;
    case 'pipe':
      expect(query).toMatchObject({ port: -1, addressType: -1, readableAll: true });
      expect(typeof query.address).toBe('string');
      break;
    case 'udp4':
      expect(query).toMatchObject({ address: '127.0.0.1', port: 0, addressType: 'udp4', fd: -1 });
      break;
  }
}

describe(`recorded node:cluster traffic (${process.version}, this runtime)`, () => {
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      await checkScenario(process.execPath, scenario);
    });
  }
});

const extraNodes = (process.env.SHOAL_EXTRA_NODES ?? '').split(':').filter((entry) => entry !== '');

if (extraNodes.length === 0) {
  describe('recorded node:cluster traffic on extra Node binaries', () => {
    it.skip('needs SHOAL_EXTRA_NODES=/path/to/node22:/path/to/node24:… (CI sets it)', () => undefined);
  });
}

for (const binary of extraNodes) {
  describe(`recorded node:cluster traffic on ${binary}`, () => {
    for (const scenario of scenarios) {
      it(scenario.name, async () => {
        await checkScenario(binary, scenario);
      });
    }
  });
}
