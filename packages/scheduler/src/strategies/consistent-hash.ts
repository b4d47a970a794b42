// Consistent hashing with bounded loads: sticky by a key, moving few keys when workers come and go, and
// never placing a new key on a worker already far above the average.

import { errInvalidArgValue } from '../errors.js';
import { hashString, pointHash } from '../hash.js';
import { createHeadReader } from '../head/head-reader.js';
import type { HeadRequest, RouteBy } from '../head/head-request.js';
import type { ConnectionInfo, Strategy, WorkerView } from '../strategy.js';
import {
  validateBoolean,
  validateFunction,
  validateInteger,
  validateLimit,
  validateNumberAtLeast,
  validateObject,
} from '../validate.js';
import { Rotation } from './rotation.js';

export interface ConsistentHashOptions {
  /** Load bound: a new key goes to no worker with ⌈(1 + ε) · average⌉ connections or more (default 0.25; Infinity: no bound). */
  epsilon?: number;
  /** Ring points per unit of weight (default 160). */
  virtualNodes?: number;
  /** Keys remembered for stickiness, the least recently used forgotten first (approximately: second chance; default 65536; 0: none). */
  maxKeys?: number;
  /** The sticky key of a connection (default: `routingKey ?? remoteAddress`); undefined: no key. */
  key?: (connection: ConnectionInfo) => string | undefined;
  /** Whether the primary must fill `remoteAddress` (default true, as the default key needs it; false with `routeBy`). */
  needsPeer?: boolean;
  /**
   * Route by what each connection sends first: the primary reads its head and the first of these sources that
   * yields a value is the key (`'cookie:io'`, `'query:sid'`, `'header:x-forwarded-for'`, `'proxy'` for the
   * client of a PROXY protocol header…). A connection without one goes to the least loaded worker. The bytes
   * read are handed to the worker with the connection (the PROXY header stripped).
   */
  routeBy?: RouteBy | readonly RouteBy[];
  /** With `routeBy`: the most bytes read from a connection before routing it (default 16384). */
  maxHeadBytes?: number;
  /** With `routeBy`: the longest wait (ms) for those bytes before routing by what arrived (default 2000). */
  headTimeoutMs?: number;
  /**
   * With `routeBy`: the addresses of the proxies whose PROXY header is believed (a connection from another peer
   * that sends one is closed). Unset: a PROXY header is believed from any peer — safe only when every
   * connection comes through your proxy.
   */
  proxyFrom?: readonly string[];
}

interface StickyEntry {
  readonly worker: WorkerView;
  /** Routed to since the eviction scan last passed it. */
  used: boolean;
}

/** Slots the ring can tell apart (a dispatcher's slots stay below its largest number of workers at once). */
const SLOTS = 2 ** 20;

function defaultKey(connection: ConnectionInfo): string | undefined {
  return connection.routingKey ?? connection.remoteAddress;
}

function routingKeyOnly(connection: ConnectionInfo): string | undefined {
  return connection.routingKey;
}

/**
 * Sticky routing by `key(connection)`. A key seen before goes back to its worker — even above the load bound,
 * and even if that means waiting while the worker is not ready: a session must not move. Up to `maxKeys` keys
 * are remembered. A new key (or one
 * whose worker left) walks the hash ring clockwise from its hash to the first worker whose live-plus-pending
 * connections are below ⌈(1 + ε) · (m + 1) · weight / W⌉, m and W being the total load and weight of the
 * workers offered (Mirrokni, Thorup and Zadimoghaddam's bounded loads). Ring points belong to dispatcher
 * slots: a worker that replaces one that left takes its slot, and with it exactly the keys it had.
 *
 * It does not wait for a worker's hand-off in flight (`pending` only counts as load): the one handle at a
 * time that child_process sends would only wait behind it, and the key's worker is the only right one.
 * A connection without a key goes to the least loaded worker.
 */
export class ConsistentHashStrategy implements Strategy {
  readonly name = 'consistent-hash';
  readonly needsPeer: boolean;
  /** The load bound and connections without a key read live connections. */
  readonly needsLoad = true;
  readonly selective = true;
  readonly head: HeadRequest | undefined;
  readonly #epsilon: number;
  readonly #virtualNodes: number;
  readonly #maxKeys: number;
  readonly #key: (connection: ConnectionInfo) => string | undefined;
  /** The worker holding each ring slot. */
  readonly #members: (WorkerView | undefined)[] = [];
  /** Per slot: equals `#epoch` while the slot's worker is a candidate in the current pick. */
  readonly #marks: number[] = [];
  #epoch = 0;
  /** The ring: sorted point hashes, and the slot owning each. */
  #points = new Uint32Array(0);
  #owners = new Uint32Array(0);
  /** Remembered keys, oldest first. */
  readonly #sticky = new Map<string, StickyEntry>();
  readonly #rotation = new Rotation();
  /** Connections their key's own worker refused: they may not wait for it, even while it is not ready. */
  readonly #refusedAtHome = new WeakSet<ConnectionInfo>();

  constructor(options: ConsistentHashOptions = {}) {
    validateObject(options, 'options');
    const epsilon = options.epsilon ?? 0.25;
    validateNumberAtLeast(epsilon, 'options.epsilon', 0);
    const virtualNodes = options.virtualNodes ?? 160;
    validateInteger(virtualNodes, 'options.virtualNodes', 1, 10_000);
    const maxKeys = options.maxKeys ?? 65_536;
    validateLimit(maxKeys, 'options.maxKeys', 0);
    const routeBy = options.routeBy;
    const proxyFrom = options.proxyFrom;
    if (proxyFrom !== undefined) {
      if (
        !Array.isArray(proxyFrom) ||
        proxyFrom.length === 0 ||
        proxyFrom.some((a) => typeof a !== 'string' || a === '')
      )
        throw errInvalidArgValue('options.proxyFrom', proxyFrom, 'must be a non-empty array of IP addresses');
      if (routeBy === undefined)
        throw errInvalidArgValue('options.proxyFrom', proxyFrom, 'needs options.routeBy');
    }
    // Checked under the names the caller used (the reader would name its own options).
    if (options.maxHeadBytes !== undefined)
      validateInteger(options.maxHeadBytes, 'options.maxHeadBytes', 1, 1 << 20);
    if (options.headTimeoutMs !== undefined)
      validateInteger(options.headTimeoutMs, 'options.headTimeoutMs', 1, 2 ** 31 - 1);
    const reader =
      routeBy === undefined
        ? undefined
        : createHeadReader(routeBy, { maxBytes: options.maxHeadBytes, timeoutMs: options.headTimeoutMs });
    this.head =
      reader === undefined || proxyFrom === undefined
        ? reader
        : Object.freeze({ ...reader, proxyFrom: Object.freeze([...proxyFrom]) });
    const key = options.key ?? (routeBy === undefined ? defaultKey : routingKeyOnly);
    validateFunction(key, 'options.key');
    const needsPeer = options.needsPeer ?? routeBy === undefined;
    validateBoolean(needsPeer, 'options.needsPeer');
    this.#epsilon = epsilon;
    this.#virtualNodes = virtualNodes;
    this.#maxKeys = maxKeys;
    this.#key = key;
    this.needsPeer = needsPeer;
  }

  /** Keys currently remembered. */
  get remembered(): number {
    return this.#sticky.size;
  }

  /** Forget one key's worker, or every key's; the next connection of a forgotten key is placed anew. */
  forget(key?: string): void {
    if (key === undefined) this.#sticky.clear();
    else this.#sticky.delete(key);
  }

  join(worker: WorkerView): void {
    while (this.#members.length < worker.slot) this.#members.push(undefined);
    while (this.#marks.length <= worker.slot) this.#marks.push(0);
    this.#members[worker.slot] = worker;
    this.#buildRing();
  }

  leave(worker: WorkerView): void {
    if (this.#members[worker.slot] !== worker) return;
    this.#members[worker.slot] = undefined;
    this.#buildRing();
  }

  pick(connection: ConnectionInfo, workers: readonly WorkerView[]): WorkerView | undefined {
    const key = this.#key(connection);
    if (key === undefined) return this.#leastLoaded(workers);
    const sticky = this.#sticky;
    const entry = sticky.get(key);
    if (entry !== undefined) {
      const known = entry.worker;
      if (this.#members[known.slot] === known) {
        if (!known.ready && !this.#refusedAtHome.has(connection)) return undefined;
        if (workers.includes(known)) {
          entry.used = true;
          return known;
        }
        // Its worker refused this very connection: place this one elsewhere, keep the key's home.
        return this.#place(hashString(key), workers);
      }
      sticky.delete(key);
    }
    const worker = this.#place(hashString(key), workers);
    if (worker !== undefined && this.#maxKeys > 0) this.#remember(key, worker);
    return worker;
  }

  /** A worker says a key is its own (it created that session): the key's connections go to it from now on. */
  claimed(worker: WorkerView, key: string): void {
    if (this.#maxKeys === 0 || this.#members[worker.slot] !== worker) return;
    const entry = this.#sticky.get(key);
    if (entry !== undefined) {
      this.#sticky.delete(key);
      this.#sticky.set(key, { worker, used: true });
      return;
    }
    this.#remember(key, worker);
  }

  settled(worker: WorkerView, connection: ConnectionInfo, accepted: boolean): void {
    if (accepted) return;
    const key = this.#key(connection);
    if (key !== undefined && this.#sticky.get(key)?.worker === worker) this.#refusedAtHome.add(connection);
  }

  /**
   * Remembers a new key, making room first by second chance (CLOCK): the oldest key goes, unless it was used
   * since it was last passed over, in which case it moves to the back. A hit only sets a flag, so routing a
   * known key allocates nothing; this runs only for new keys.
   */
  #remember(key: string, worker: WorkerView): void {
    const sticky = this.#sticky;
    while (sticky.size >= this.#maxKeys) {
      for (const [oldestKey, oldest] of sticky) {
        sticky.delete(oldestKey);
        if (oldest.used) {
          oldest.used = false;
          sticky.set(oldestKey, oldest);
        }
        break;
      }
    }
    sticky.set(key, { worker, used: false });
  }

  #place(hash: number, workers: readonly WorkerView[]): WorkerView | undefined {
    const members = this.#members;
    const marks = this.#marks;
    if (this.#epoch >= 0x3fffffff) {
      this.#epoch = 0;
      marks.fill(0);
    }
    const epoch = ++this.#epoch;
    let load = 0;
    let weight = 0;
    for (let i = 0; i < workers.length; i++) {
      const worker = workers[i] as WorkerView;
      if (members[worker.slot] !== worker) continue;
      marks[worker.slot] = epoch;
      load += worker.connections + worker.pending;
      weight += worker.weight;
    }
    if (weight === 0) return this.#leastLoaded(workers);
    const perWeight = ((1 + this.#epsilon) * (load + 1)) / weight;
    const points = this.#points;
    const owners = this.#owners;
    const count = points.length;
    for (let i = lowerBound(points, hash), seen = 0; seen < count; seen++, i = i + 1 >= count ? 0 : i + 1) {
      const slot = owners[i] as number;
      if (marks[slot] !== epoch) continue;
      const worker = members[slot] as WorkerView;
      if (worker.connections + worker.pending < Math.ceil(perWeight * worker.weight)) return worker;
      marks[slot] = 0; // full: skip its other points
    }
    // Unreachable while loads are consistent (someone is at or below the average); stay safe anyway.
    return this.#leastLoaded(workers);
  }

  /** Fewest live-plus-pending connections per unit of weight; ties rotate. */
  #leastLoaded(workers: readonly WorkerView[]): WorkerView | undefined {
    const count = workers.length;
    const start = this.#rotation.start(workers);
    let best: WorkerView | undefined;
    let bestLoad = 0;
    let bestIndex = 0;
    for (let i = start, seen = 0; seen < count; seen++, i = i + 1 === count ? 0 : i + 1) {
      const worker = workers[i] as WorkerView;
      const load = worker.connections + worker.pending;
      if (best === undefined || load * best.weight < bestLoad * worker.weight) {
        best = worker;
        bestLoad = load;
        bestIndex = i;
      }
    }
    if (best !== undefined) this.#rotation.picked(workers, bestIndex);
    return best;
  }

  #buildRing(): void {
    let size = 0;
    for (const member of this.#members) if (member !== undefined) size += member.weight * this.#virtualNodes;
    // Sort point and owner together as one number: point · 2^20 + slot is exact in a double (2^52 < 2^53).
    const combined = new Float64Array(size);
    let at = 0;
    for (const member of this.#members) {
      if (member === undefined) continue;
      const replicas = member.weight * this.#virtualNodes;
      for (let replica = 0; replica < replicas; replica++) {
        combined[at++] = pointHash(member.slot, replica) * SLOTS + member.slot;
      }
    }
    combined.sort();
    const points = new Uint32Array(size);
    const owners = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      const value = combined[i] as number;
      const slot = value % SLOTS;
      points[i] = (value - slot) / SLOTS;
      owners[i] = slot;
    }
    this.#points = points;
    this.#owners = owners;
  }
}

/** The first index whose point is >= hash, wrapping to 0 past the last point. */
function lowerBound(points: Uint32Array, hash: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((points[middle] as number) < hash) low = middle + 1;
    else high = middle;
  }
  return low === points.length ? 0 : low;
}
