// fast-check arbitraries for valid messages of every kind, shaped as Node and Shoal send them.
import fc from 'fast-check';
import {
  heartbeatMessage,
  helloMessage,
  loadMessage,
  metricsMessage,
  NODE_CLUSTER_CMD,
  readyMessage,
  rpcErrorMessage,
  rpcRequestMessage,
  rpcResponseMessage,
  type ServerLoad,
  type WireValue,
} from '../../src/index.js';

const cmd = NODE_CLUSTER_CMD;

/** JSON-safe values, with -0 read back as 0 (JSON has no -0; it is not a value Shoal sends). */
export const wireValue: fc.Arbitrary<WireValue> = fc
  .jsonValue({ maxDepth: 3 })
  .map((value) => JSON.parse(JSON.stringify(value)) as WireValue);

/** Fields no message kind defines: what a future Node or Shoal version might add. */
export const extraFields: fc.Arbitrary<Record<string, WireValue>> = fc.dictionary(
  fc.string({ maxLength: 8 }).map((key) => `x_${key}`),
  wireValue,
  { maxKeys: 3, noNullPrototype: true },
);

function withExtras<T extends object>(message: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.tuple(message, extraFields).map(([fields, extras]) => ({ ...extras, ...fields }));
}

const count = fc.nat({ max: 2 ** 31 - 1 });
const port = fc.integer({ min: 0, max: 65535 });
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const serverData = fc.oneof(
  fc.constant(null),
  fc.record(
    {
      ticketKeys: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 96, maxLength: 96 }),
    },
    { noNullPrototype: true },
  ),
);
const backlog = fc.oneof(fc.nat({ max: 65535 }), fc.constant(false as const));

/** The listen/bind variants `net` and `dgram` produce (see ServerQueryFields). */
const serverQuery = fc.oneof(
  fc.record(
    { address: ip, port, addressType: fc.constantFrom(4, 6), flags: fc.constantFrom(0, 1), backlog },
    { noNullPrototype: true, requiredKeys: ['address', 'port', 'addressType', 'flags'] },
  ),
  fc.record(
    { address: fc.constant(null), port, addressType: fc.constant(4), flags: fc.constant(0), backlog },
    { noNullPrototype: true, requiredKeys: ['address', 'port', 'addressType'] },
  ),
  fc.record(
    {
      address: fc.constant(null),
      port: fc.constant(null),
      addressType: fc.constant(null),
      fd: count,
      backlog,
    },
    { noNullPrototype: true, requiredKeys: ['address', 'port', 'addressType', 'fd'] },
  ),
  fc.record(
    {
      address: fc.string({ minLength: 1, maxLength: 40 }).map((name) => `/tmp/${name}.sock`),
      port: fc.constant(-1),
      addressType: fc.constant(-1),
      backlog,
      readableAll: fc.boolean(),
      writableAll: fc.boolean(),
    },
    { noNullPrototype: true, requiredKeys: ['address', 'port', 'addressType'] },
  ),
  fc.record({
    address: ip,
    port,
    addressType: fc.constantFrom('udp4', 'udp6'),
    fd: fc.constant(-1),
    flags: fc.nat(7),
  }),
  fc.record({
    address: fc.constant(null),
    port: fc.constant(null),
    addressType: fc.constantFrom('udp4', 'udp6'),
    fd: count,
    flags: fc.constant(null),
  }),
);

const queryServer = fc
  .record({ query: serverQuery, index: fc.nat(8), data: serverData, seq: count })
  .map(({ query, index, data, seq }) => ({ cmd, act: 'queryServer', index, data, ...query, seq }));

export const workerMessage: fc.Arbitrary<Record<string, unknown>> = withExtras(
  fc.oneof(
    count.map((seq) => ({ cmd, act: 'online', seq })),
    queryServer,
    fc.tuple(queryServer, port).map(([query, bound]) => ({ ...query, act: 'listening', port: bound })),
    fc.record({ key: fc.string(), seq: count }).map(({ key, seq }) => ({ cmd, act: 'close', key, seq })),
    count.map((seq) => ({ cmd, act: 'exitedAfterDisconnect', seq })),
    fc.record({ ack: count, accepted: fc.boolean(), seq: count }).map((fields) => ({ cmd, ...fields })),
  ),
);

export const primaryMessage: fc.Arbitrary<Record<string, unknown>> = withExtras(
  fc.oneof(
    fc
      .record(
        {
          errno: fc.oneof(fc.constant(null), fc.constant(0), fc.integer({ min: -200, max: -1 })),
          key: fc.string(),
          ack: count,
          data: serverData,
          sockname: fc.oneof(
            fc.constant(null),
            fc.record(
              { address: ip, family: fc.constantFrom('IPv4', 'IPv6'), port },
              { noNullPrototype: true },
            ),
          ),
          seq: count,
        },
        { noNullPrototype: true, requiredKeys: ['errno', 'key', 'ack', 'data', 'seq'] },
      )
      .map((fields) => ({ cmd, ...fields })),
    fc.record({ key: fc.string(), seq: count }).map(({ key, seq }) => ({ cmd, act: 'newconn', key, seq })),
    fc
      .option(count, { nil: undefined })
      .map((seq) => (seq === undefined ? { cmd, act: 'disconnect' } : { cmd, act: 'disconnect', seq })),
    fc.record({ ack: count, seq: count }).map((fields) => ({ cmd, ...fields })),
  ),
);

const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));
const method = fc.string({ minLength: 1, maxLength: 20 });

/** One server's entry in a load report: TCP (address and port), pipe (path) or unknown, maybe with extras. */
const serverLoad: fc.Arbitrary<ServerLoad> = fc
  .tuple(
    fc.oneof(
      fc.record({ address: ip, port }, { noNullPrototype: true }),
      fc.record({ path: fc.string({ maxLength: 30 }) }, { noNullPrototype: true }),
      fc.constant({}),
    ),
    fc.record({ connections: count, requests: count }, { noNullPrototype: true }),
    extraFields,
  )
  .map(([where, counts, extras]) => ({ ...extras, ...where, ...counts }));
const optionalWire = fc.option(wireValue, { nil: undefined });

export const extensionMessage: fc.Arbitrary<Record<string, unknown>> = withExtras(
  fc.oneof(
    fc
      .record({
        role: fc.constantFrom('primary' as const, 'worker' as const),
        features: fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
        pid: fc.option(count, { nil: undefined }),
      })
      .map(({ role, features, pid }) => helloMessage(role, features, pid)),
    fc
      .record({
        connections: count,
        requests: count,
        extra: fc.dictionary(
          fc.string().map((k) => `m_${k}`),
          finite,
        ),
        servers: fc.option(fc.array(serverLoad, { maxLength: 4 }), { nil: undefined }),
      })
      .map(({ connections, requests, extra, servers }) =>
        loadMessage(
          servers === undefined
            ? { ...extra, connections, requests }
            : { ...extra, connections, requests, servers },
        ),
      ),
    fc.constant(null).map(() => readyMessage()),
    fc.nat().map((timestamp) => heartbeatMessage(timestamp)),
    fc.tuple(count, method, optionalWire).map(([id, name, params]) => rpcRequestMessage(id, name, params)),
    fc.tuple(count, optionalWire).map(([id, result]) => rpcResponseMessage(id, result)),
    fc
      .record(
        { message: fc.string(), code: fc.string(), name: fc.string() },
        { noNullPrototype: true, requiredKeys: ['message'] },
      )
      .chain((error) => count.map((id) => rpcErrorMessage(id, error))),
    fc
      .tuple(
        fc.dictionary(fc.string(), wireValue, { maxKeys: 5, noNullPrototype: true }),
        fc.option(count, { nil: undefined }),
      )
      .map(([metrics, id]) => metricsMessage(metrics, id)),
  ),
) as fc.Arbitrary<Record<string, unknown>>;

/** Hostile input: anything fast-check can build, the exotic kinds included. */
export const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
  stringUnit: 'binary',
});

const fieldNames = [
  'cmd',
  'act',
  'type',
  'v',
  'seq',
  'ack',
  'accepted',
  'key',
  'errno',
  'sockname',
  'address',
  'port',
  'addressType',
  'fd',
  'flags',
  'backlog',
  'index',
  'data',
  'readableAll',
  'writableAll',
  'role',
  'version',
  'features',
  'pid',
  'load',
  'servers',
  'path',
  'timestamp',
  'id',
  'method',
  'params',
  'result',
  'error',
  'metrics',
];

type Mutation = { path: string[]; value?: unknown; remove: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(
    fc.oneof(
      fc.constantFrom(...fieldNames),
      fc.constantFrom('message', 'connections', 'requests', 'port', 'family', '0'),
      fc.string(),
    ),
    {
      minLength: 1,
      maxLength: 2,
    },
  ),
  value: anything,
  remove: fc.boolean(),
});

function applyMutation(target: Record<string, unknown>, { path, value, remove }: Mutation): void {
  let holder: unknown = target;
  for (const key of path.slice(0, -1)) {
    // Only down into the message's own fields: fast-check likes keys such as '__proto__', and following one
    // would write into Object.prototype and poison every later test in the file.
    holder =
      typeof holder === 'object' && holder !== null && Object.hasOwn(holder, key)
        ? (holder as Record<string, unknown>)[key]
        : undefined;
  }
  if (typeof holder !== 'object' || holder === null) return;
  const last = path[path.length - 1]!;
  try {
    if (remove) delete (holder as Record<string, unknown>)[last];
    else (holder as Record<string, unknown>)[last] = value;
  } catch {
    // Some holders refuse (a typed array's indices cannot be deleted): that mutation simply does not apply.
  }
}

/** A valid message of any kind with a few fields removed or replaced by anything. */
export const mutatedMessage: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.oneof(workerMessage, primaryMessage, extensionMessage),
    fc.array(mutation, { minLength: 1, maxLength: 3 }),
  )
  .map(([message, mutations]) => {
    const copy = structuredClone(message);
    for (const change of mutations) applyMutation(copy, change);
    return copy;
  });
