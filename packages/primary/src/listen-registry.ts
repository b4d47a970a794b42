// The primary's listen keys: one handle per key (round robin, shared or reuseport, as the distribution says),
// the workers on each, per-key load, and their counters for inspection.
import { constants } from 'node:os';
import path from 'node:path';
import type { LoadReport, QueryServerMessage } from '@shoal/protocol';
import type { ProxyInfo } from '@shoal/scheduler';
import { channels } from './diagnostics.js';
import type { Distribution } from './distribution.js';
import type { HandOffOptions } from './hand-off.js';
import { handleKey } from './handle-key.js';
import { InheritedSockets } from './inherited-sockets.js';
import type { ListenKeySnapshot } from './inspection.js';
import { ReusePortHandle } from './reuseport-handle.js';
import { RoundRobinHandle } from './round-robin-handle.js';
import type { HandleMember, RawStreamHandle, ServerHandle } from './server-handle.js';
import { matchServerLoad } from './server-load.js';
import { SharedHandle } from './shared-handle.js';

const UV_EADDRINUSE = -constants.errno.EADDRINUSE;
const UV_EINVAL = -constants.errno.EINVAL;

/** Sends the `queryServer` reply (the caller adds `ack` and the wire envelope). */
export type QueryReply = (
  fields: Record<string, unknown>,
  handle?: unknown,
  onSent?: (error: Error | null) => void,
) => void;

export class ListenRegistry {
  readonly #handles = new Map<string, ServerHandle>();
  readonly #handOffOptions: HandOffOptions;
  readonly #inherited = new InheritedSockets();
  #distribution: Distribution | undefined;

  constructor(handOffOptions: HandOffOptions = {}) {
    this.#handOffOptions = handOffOptions;
  }

  /** Set once, when the primary freezes its policy; keys opened before (none, in practice) are shared. */
  set distribution(distribution: Distribution) {
    this.#distribution = distribution;
  }

  /** Listening sockets the primary inherited (`settings.inheritedSockets`): keys on their addresses use them. */
  inherit(fds: readonly number[]): void {
    this.#inherited.add(fds);
  }

  /**
   * Answers a worker's listen request. Returns an error when the request could not be served as asked (a port
   * no socket can have, say): it was refused with EINVAL and the caller reports it as a protocol error.
   */
  query(member: HandleMember, query: QueryServerMessage, reply: QueryReply): Error | undefined {
    // A dgram bind() without a port asks for any port, as Node's own primary reads it.
    const port = query.port === undefined ? 0 : query.port;
    const normalized = port === query.port ? query : { ...query, port };
    let key = handleKey(normalized, port);
    let handle = this.#handles.get(key);
    // A worker binding "any port" again under the same index (dgram binds all send index 0) wants a socket of
    // its own, not a refusal: it takes the next key of that base it does not hold yet.
    for (let again = 1; port === 0 && handle?.has(member); again++) {
      key = `${handleKey(normalized, port)}/${again}`;
      handle = this.#handles.get(key);
    }
    if (handle?.has(member)) {
      // The worker listens twice on one address: the second listen is refused, as the bind would be.
      reply({ errno: UV_EADDRINUSE, key, data: handle.data });
      return undefined;
    }
    if (handle === undefined) {
      try {
        handle = this.#create(key, normalized);
      } catch (error) {
        // A request Node's own primary would choke on (a forged port, say): refuse it, stay up.
        reply({ errno: UV_EINVAL, key, data: null });
        return error as Error;
      }
      this.#handles.set(key, handle);
    }
    if (!handle.data) handle.data = query.data;
    const owner = handle;
    owner.add(member, (errno, fields, sharedHandle, onSent) => {
      // A failed bind is forgotten so that the next query (this worker's or another's) can try again.
      if (errno && this.#handles.get(key) === owner && owner.memberIds().length === 0)
        this.#handles.delete(key);
      reply({ errno, key, data: owner.data, ...fields }, sharedHandle ?? undefined, onSent);
    });
    return undefined;
  }

  /** The worker closed its server on `key`. */
  close(member: HandleMember, key: string): void {
    const handle = this.#handles.get(key);
    if (handle?.remove(member)) this.#handles.delete(key);
  }

  /** The worker is leaving (disconnect, exit): it is removed from every key. */
  removeMember(member: HandleMember): void {
    for (const [key, handle] of this.#handles) {
      if (handle.remove(member)) this.#handles.delete(key);
    }
  }

  /** A copy of a worker's listen socket, sent back on request: kept by the key that asked, else closed. */
  socketCopy(member: HandleMember, port: number, socket: RawStreamHandle): void {
    for (const handle of this.#handles.values()) {
      if (handle.adoptSocketCopy?.(member, port, socket)) return;
    }
    socket.close();
  }

  /** Applies a worker's load report to each key it serves: its share for that server when the report has one. */
  /** A connection a worker handed back with its request: its key's handle routes it again, or it is closed. */
  reroute(key: string, client: RawStreamHandle, bytes: Uint8Array, proxy: ProxyInfo | undefined): void {
    const handle = this.#handles.get(key);
    if (handle?.reroute?.(client, bytes, proxy) === true) return;
    // Its key closed meanwhile (every worker stopped listening: a shutdown): nobody is left to serve it.
    client.close();
    if (channels.closedUnserved.hasSubscribers)
      channels.closedUnserved.publish({ key, count: 1, reason: 'key-closed' });
  }

  /** A worker claimed a routing key: every handle it belongs to tells its strategy. */
  claim(workerId: number, key: string): void {
    for (const handle of this.#handles.values()) handle.claim?.(workerId, key);
  }

  reportLoad(workerId: number, load: LoadReport): void {
    for (const handle of this.#handles.values()) {
      if (handle.reportLoad === undefined) continue;
      handle.reportLoad(workerId, matchServerLoad(load, handle.localAddress()));
    }
  }

  keysOf(workerId: number): string[] {
    const keys: string[] = [];
    for (const [key, handle] of this.#handles) if (handle.memberIds().includes(workerId)) keys.push(key);
    return keys;
  }

  snapshot(): ListenKeySnapshot[] {
    return [...this.#handles.values()].map((handle) => ({
      key: handle.key,
      kind: handle.kind,
      strategy: 'strategyName' in handle ? (handle.strategyName as string) : undefined,
      address: handle.localAddress(),
      workers: handle.memberIds(),
      ...handle.counters(),
    }));
  }

  /** `query.port` is never undefined here: query() made a missing port 0. */
  #create(key: string, query: QueryServerMessage): ServerHandle {
    const port = query.port as number | null;
    let address = query.address;
    if (port !== null && port < 0 && typeof address === 'string' && process.platform !== 'win32') {
      // Unix socket paths are limited to ~100 bytes: use the shorter of the relative and absolute forms.
      const relative = path.relative(process.cwd(), address);
      if (relative.length < address.length) address = relative;
    }
    const distribution = this.#distribution ?? { kind: 'shared' };
    const udp = query.addressType === 'udp4' || query.addressType === 'udp6';
    const inherited = udp ? undefined : this.#inherited.match(query);
    if (distribution.kind === 'shared' || udp) return new SharedHandle(key, address, query, inherited);
    const onClosedLate = (): void => {
      // It closed after the remove() call that emptied it, once a retiring worker answered its last hand-off.
      if (this.#handles.get(key) === handle) this.#handles.delete(key);
    };
    let handle: ServerHandle;
    const tcp =
      (query.addressType === 4 || query.addressType === 6) &&
      port !== null &&
      port >= 0 &&
      query.fd === undefined;
    if (distribution.kind === 'reuseport' && tcp && inherited === undefined) {
      handle = new ReusePortHandle(
        key,
        address,
        query,
        distribution.strategy(),
        distribution.bind,
        onClosedLate,
        this.#handOffOptions,
      );
    } else {
      // Pipes, fds and inherited sockets cannot be reuseport sockets (one socket per worker): the primary accepts
      // on them, with the same strategy.
      handle = new RoundRobinHandle(
        key,
        address,
        query,
        distribution.strategy(),
        onClosedLate,
        this.#handOffOptions,
        inherited,
      );
    }
    return handle;
  }
}
