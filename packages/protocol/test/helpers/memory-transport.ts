// An in-memory pair of Transports for channel tests. Each message is cloned the way the IPC channel
// would (JSON or v8 structured serialization) and delivered asynchronously, in order.
import { deserialize, serialize } from 'node:v8';
import type { Transport } from '../../src/index.js';

export type Serialization = 'json' | 'advanced';

export interface MemoryTransport extends Transport {
  /** Every message this end sent, as sent. */
  readonly sent: unknown[];
  /** Delivers `message` to this end's listeners as if the peer had sent it (no cloning). */
  deliver(message: unknown): void;
  /** Closes both ends: every onClose listener of both ends runs once. */
  close(): void;
}

function clone(message: unknown, serialization: Serialization): unknown {
  return serialization === 'json' ? JSON.parse(JSON.stringify(message)) : deserialize(serialize(message));
}

export function createTransportPair(
  serialization: Serialization = 'json',
): [MemoryTransport, MemoryTransport] {
  let closed = false;
  const ends = [0, 1].map(() => ({
    messageListeners: new Set<(message: unknown) => void>(),
    closeListeners: new Set<() => void>(),
  }));
  const closeBoth = () => {
    if (closed) return;
    closed = true;
    for (const end of ends) for (const listener of [...end.closeListeners]) listener();
  };
  const make = (self: (typeof ends)[number], peer: (typeof ends)[number]): MemoryTransport => {
    const sent: unknown[] = [];
    const deliverTo = (target: typeof self, message: unknown) => {
      void Promise.resolve().then(() => {
        if (closed) return;
        for (const listener of [...target.messageListeners]) listener(message);
      });
    };
    return {
      sent,
      send(message) {
        if (closed) throw Object.assign(new Error('Channel closed'), { code: 'ERR_IPC_CHANNEL_CLOSED' });
        sent.push(message);
        deliverTo(peer, clone(message, serialization));
      },
      onMessage(listener) {
        self.messageListeners.add(listener);
        return () => self.messageListeners.delete(listener);
      },
      onClose(listener) {
        self.closeListeners.add(listener);
        return () => self.closeListeners.delete(listener);
      },
      deliver(message) {
        deliverTo(self, message);
      },
      close: closeBoth,
    };
  };
  return [make(ends[0]!, ends[1]!), make(ends[1]!, ends[0]!)];
}
