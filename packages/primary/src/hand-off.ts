// Hands raw client handles to workers through a Dispatcher: the per-connection path of round robin and of
// the connections the primary accepts on a reuseport socket whose worker left. Counts what happens to them.
import type { LoadCounts } from '@shoal/protocol';
import {
  type ConnectionInfo,
  Dispatcher,
  type HeadRequest,
  type ProxyInfo,
  type Strategy,
} from '@shoal/scheduler';
import { channels } from './diagnostics.js';
import { type HeadRead, type PendingHead, readHead } from './head-read.js';
import type { HandleCounters } from './inspection.js';
import type { HandleMember, RawStreamHandle } from './server-handle.js';

export interface HandOffOptions {
  /** The listen port of the key, shown to strategies as `localPort` (undefined for pipes). */
  localPort?: number;
  /** The weight of a worker as it joins (weighted strategies); 1 when absent. */
  weightOf?: (workerId: number) => number | undefined;
}

export class HandOff {
  readonly #key: string;
  readonly #members = new Map<number, HandleMember>();
  /** Workers removed while hand-offs to them were unanswered: offered nothing new, forgotten once answered. */
  readonly #retiring = new Set<number>();
  readonly #dispatcher: Dispatcher<RawStreamHandle>;
  readonly #needsPeer: boolean;
  /** What a strategy that routes by the start of a connection wants read first. */
  readonly #head: HeadRequest | undefined;
  /** Peers whose PROXY header is believed (undefined: any). */
  readonly #proxyFrom: ReadonlySet<string> | undefined;
  /** Heads being read: aborted if the listen socket closes first. */
  readonly #reading = new Set<PendingHead>();
  readonly #onForgotten: () => void;
  #keyOnly: ConnectionInfo;
  #localPort: number | undefined;
  readonly #weightOf: ((workerId: number) => number | undefined) | undefined;
  #handedOut = 0;
  #accepted = 0;
  #refused = 0;
  #rerouted = 0;
  #closedUnserved = 0;

  /** `onForgotten` runs when a retiring worker's last hand-off was answered and it was dropped. */
  constructor(key: string, strategy: Strategy, onForgotten: () => void, options: HandOffOptions = {}) {
    this.#key = key;
    this.#localPort = options.localPort;
    this.#weightOf = options.weightOf;
    this.#keyOnly = Object.freeze({ key, localPort: options.localPort });
    this.#needsPeer = strategy.needsPeer === true;
    this.#head = strategy.head;
    this.#proxyFrom = strategy.head?.proxyFrom === undefined ? undefined : new Set(strategy.head.proxyFrom);
    this.#onForgotten = onForgotten;
    this.#dispatcher = new Dispatcher<RawStreamHandle>({
      strategy,
      handOff: (workerId, client, info) => this.#handOff(workerId, client, info),
      close: (client) => this.#closeUnserved(client),
    });
  }

  /** The port the key's socket listens on, once bound (the kernel picks it for port 0). */
  setLocalPort(port: number | undefined): void {
    this.#localPort = port;
    this.#keyOnly = Object.freeze({ key: this.#key, localPort: port });
  }

  get strategyName(): string {
    return this.#dispatcher.strategy.name;
  }

  /** Workers that can be offered connections (retiring ones are not). */
  get active(): number {
    return this.#members.size - this.#retiring.size;
  }

  addWorker(member: HandleMember): void {
    const id = member.id;
    this.#members.set(id, member);
    if (this.#retiring.delete(id)) {
      // Closed a server and listened again before its last hand-off was answered: it is simply back.
      this.#dispatcher.setReady(id, true);
      return;
    }
    const weight = this.#weightOf?.(id);
    this.#dispatcher.addWorker(id, weight === undefined ? {} : { weight });
  }

  knows(member: HandleMember): boolean {
    return this.#members.has(member.id);
  }

  has(member: HandleMember): boolean {
    return this.#members.has(member.id) && !this.#retiring.has(member.id);
  }

  /** Ids of the workers that can be offered connections. */
  activeIds(): number[] {
    const ids: number[] = [];
    for (const id of this.#members.keys()) if (!this.#retiring.has(id)) ids.push(id);
    return ids;
  }

  /**
   * True when the worker is dropped now (what was pending to it goes to others); false when it still has
   * hand-offs to answer and can answer them (a disconnect() from the primary, say): re-routing those now
   * could serve a connection twice, so it is offered nothing new and dropped once it answered, or exits.
   */
  removeWorker(member: HandleMember): boolean {
    const id = member.id;
    if (!this.#members.has(id)) return false;
    if (member.isConnected() && (this.#dispatcher.getWorker(id)?.pending ?? 0) > 0) {
      this.#retiring.add(id);
      this.#dispatcher.setReady(id, false);
      return false;
    }
    this.#forget(id);
    return true;
  }

  claim(workerId: number, key: string): void {
    if (this.#members.has(workerId)) this.#dispatcher.claim(workerId, key);
  }

  reportLoad(workerId: number, load: LoadCounts): void {
    if (this.#members.has(workerId)) this.#dispatcher.reportLoad(workerId, load);
  }

  route(client: RawStreamHandle): void {
    const head = this.#head;
    if (head !== undefined) {
      this.#readThenRoute(client, head);
      return;
    }
    if (!this.#needsPeer) {
      // Nothing connection-specific is known: one frozen description serves every connection of the key.
      this.#dispatcher.route(client, this.#keyOnly);
      return;
    }
    const info: ConnectionInfo = { key: this.#key, localPort: this.#localPort };
    this.#fillPeer(client, info);
    this.#dispatcher.route(client, info);
  }

  #fillPeer(client: RawStreamHandle, info: ConnectionInfo): void {
    if (!client.getpeername) return;
    const peer: { address?: string; port?: number } = {};
    client.getpeername(peer);
    info.remoteAddress = peer.address;
    info.remotePort = peer.port;
  }

  #believes(peer: string | undefined): boolean {
    const trusted = this.#proxyFrom;
    if (trusted === undefined) return true;
    if (peer === undefined) return false;
    return trusted.has(peer) || (peer.startsWith('::ffff:') && trusted.has(peer.slice(7)));
  }

  /** Reads what the client sends first, then routes with it; a client that resets meanwhile is just closed. */
  #readThenRoute(client: RawStreamHandle, head: HeadRequest): void {
    const info: ConnectionInfo = { key: this.#key, localPort: this.#localPort };
    // The peer is read now: once the client resets, getpeername fails.
    if (this.#needsPeer || this.#proxyFrom !== undefined) this.#fillPeer(client, info);
    const pending = readHead(
      client,
      head,
      (read: HeadRead) => {
        this.#reading.delete(pending);
        if (read.proxy !== undefined && !this.#believes(info.remoteAddress)) {
          // A PROXY header from a peer that is not one of the proxies: a client naming an address of its choice.
          client.close();
          this.#closedUnserved++;
          if (channels.closedUnserved.hasSubscribers)
            channels.closedUnserved.publish({ key: this.#key, count: 1, reason: 'untrusted-proxy-header' });
          return;
        }
        info.firstBytes = read.proxyLength > 0 ? read.bytes.subarray(read.proxyLength) : read.bytes;
        if (read.routingKey !== undefined) info.routingKey = read.routingKey;
        if (read.proxy !== undefined) info.proxy = read.proxy;
        this.#dispatcher.route(client, info);
      },
      () => {
        this.#reading.delete(pending);
        client.close();
      },
    );
    this.#reading.add(pending);
  }

  /**
   * A connection a worker handed back with the request it carries (`bytes`, the PROXY header already gone): routed
   * again by those bytes, as a new connection whose head is read. False without a head reader.
   */
  reroute(client: RawStreamHandle, bytes: Uint8Array, proxy: ProxyInfo | undefined): boolean {
    const head = this.#head;
    if (head === undefined) return false;
    const verdict = (head.open?.() ?? head).examine(bytes, true);
    const info: ConnectionInfo = { key: this.#key, localPort: this.#localPort, firstBytes: bytes };
    if (this.#needsPeer) this.#fillPeer(client, info);
    if (verdict.done && verdict.routingKey !== undefined) info.routingKey = verdict.routingKey;
    if (proxy !== undefined) info.proxy = proxy;
    this.#dispatcher.route(client, info);
    return true;
  }

  /** Closes every connection still waiting for a worker (the listen socket is going away). */
  closeQueued(): void {
    for (const pending of this.#reading) pending.abort();
    this.#reading.clear();
    const queued = this.#dispatcher.drainAll();
    if (queued.length === 0) return;
    for (const client of queued) client.close();
    this.#closedUnserved += queued.length;
    if (channels.closedUnserved.hasSubscribers)
      channels.closedUnserved.publish({ key: this.#key, count: queued.length, reason: 'key-closed' });
  }

  counters(): HandleCounters {
    return {
      queued: this.#dispatcher.queued,
      inFlight: this.#dispatcher.inFlight,
      handedOut: this.#handedOut,
      accepted: this.#accepted,
      refused: this.#refused,
      rerouted: this.#rerouted,
      closedUnserved: this.#closedUnserved,
      sockets: 0,
      orphans: 0,
    };
  }

  /** Hand-offs to this worker not yet answered (0 if unknown). */
  pendingFor(workerId: number): number {
    return this.#dispatcher.getWorker(workerId)?.pending ?? 0;
  }

  #handOff(workerId: number, client: RawStreamHandle, info: ConnectionInfo): void {
    const member = this.#members.get(workerId);
    if (member === undefined) return;
    this.#handedOut++;
    if (channels.handoff.hasSubscribers) channels.handoff.publish({ key: this.#key, workerId });
    const onReply = (reply: Record<string, unknown>): void => {
      const accepted = reply.accepted === true;
      // A late answer for a hand-off already re-routed (the worker was dropped meanwhile) changes nothing: the
      // connection is another worker's now, and closing our copy here would close it under that hand-off.
      if (!this.#dispatcher.settle(workerId, client, accepted)) return;
      if (accepted) {
        this.#accepted++;
        // The worker holds its own copy now; ours is closed once it says it took the connection.
        client.close();
      } else {
        this.#refused++;
        if (channels.refusal.hasSubscribers) channels.refusal.publish({ key: this.#key, workerId });
      }
      if (channels.settled.hasSubscribers) channels.settled.publish({ key: this.#key, workerId, accepted });
      if (this.#retiring.has(workerId) && this.#dispatcher.getWorker(workerId)?.pending === 0) {
        this.#forget(workerId);
        this.#onForgotten();
      }
    };
    // A connection whose head was read goes with those bytes, for the worker runtime to give back to the app.
    if (info.firstBytes !== undefined && member.sendConnection !== undefined) {
      member.sendConnection(
        this.#key,
        client,
        {
          head: info.firstBytes,
          proxy: info.proxy,
          localPort: this.#localPort,
          routingKey: info.routingKey,
          routeBy: this.#head?.routeBy,
        },
        onReply,
      );
    } else {
      member.sendNewconn(this.#key, client, onReply);
    }
  }

  #closeUnserved(client: RawStreamHandle): void {
    client.close();
    this.#closedUnserved++;
    if (channels.closedUnserved.hasSubscribers)
      channels.closedUnserved.publish({ key: this.#key, count: 1, reason: 'refused-by-all' });
  }

  #forget(id: number): void {
    const pending = this.#dispatcher.getWorker(id)?.pending ?? 0;
    if (pending > 0) {
      this.#rerouted += pending;
      if (channels.reroute.hasSubscribers)
        channels.reroute.publish({ key: this.#key, workerId: id, count: pending });
    }
    this.#retiring.delete(id);
    this.#members.delete(id);
    this.#dispatcher.removeWorker(id);
  }
}
