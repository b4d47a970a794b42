// A listen socket (TCP, pipe or UDP) the primary binds once and sends to every worker, which accept on it.
import { constants } from 'node:os';
import type { QueryServerMessage } from '@shoal/protocol';
import { bindServerHandle } from './bind-server-handle.js';
import type { InheritedSocket } from './inherited-sockets.js';
import type { HandleCounters } from './inspection.js';
import type { HandleMember, LocalAddress, QueryServerAnswer, ServerHandle } from './server-handle.js';

const UV_EADDRINUSE = -constants.errno.EADDRINUSE;

interface BoundHandle {
  close(): void;
  getsockname?(out: Record<string, unknown>): number;
}

export class SharedHandle implements ServerHandle {
  readonly key: string;
  readonly kind = 'shared' as const;
  data: unknown = undefined;
  readonly #workers = new Set<number>();
  readonly #path: string | undefined;
  readonly #udp: boolean;
  #handle: BoundHandle | null = null;
  #errno = 0;
  #waiting: Array<() => void> | null = [];
  #closed = false;
  /** A socket the primary inherited, sent instead of one bound here; released, never closed, with the key. */
  readonly #inherited: InheritedSocket | undefined;

  constructor(
    key: string,
    address: string | null | undefined,
    query: QueryServerMessage,
    inherited?: InheritedSocket,
  ) {
    this.key = key;
    this.#udp = query.addressType === 'udp4' || query.addressType === 'udp6';
    // The path as the worker asked for it (and reports it), not the shorter form the primary may bind.
    this.#path = query.addressType === -1 && typeof query.address === 'string' ? query.address : undefined;
    this.#inherited = inherited;
    if (inherited !== undefined) {
      const handle = inherited.lendTo(this);
      // Held by another key (one listening on another spelling of its address): refused as a second bind would be.
      this.#errno = handle === undefined ? UV_EADDRINUSE : 0;
      this.#handle = handle ?? null;
      this.#waiting = null;
      return;
    }
    bindServerHandle(address, query, (errno, handle) => {
      this.#errno = errno;
      this.#handle = (handle as BoundHandle | null) ?? null;
      if (this.#closed) {
        // Every worker left while the bind was still under way (UDP on Node 25+): nobody wants it now.
        this.#handle?.close();
        this.#handle = null;
      }
      const waiting = this.#waiting ?? [];
      this.#waiting = null;
      for (const answer of waiting) answer();
    });
  }

  /** Whether the bind failed (then the handle serves nobody and is forgotten). */
  get failed(): boolean {
    return this.#waiting === null && this.#errno !== 0;
  }

  add(member: HandleMember, answer: QueryServerAnswer): void {
    this.#workers.add(member.id);
    const reply = (): void => {
      if (!this.#workers.has(member.id)) return;
      // A failed bind leaves no member behind: the worker's next listen must try again.
      if (this.#errno !== 0) this.#workers.delete(member.id);
      answer(this.#errno, null, this.#handle);
    };
    if (this.#waiting === null) reply();
    else this.#waiting.push(reply);
  }

  remove(member: HandleMember): boolean {
    if (!this.#workers.delete(member.id)) return false;
    if (this.#workers.size !== 0) return false;
    this.#closed = true;
    if (this.#inherited !== undefined) this.#inherited.release(this);
    else this.#handle?.close();
    this.#handle = null;
    return true;
  }

  has(member: HandleMember): boolean {
    return this.#workers.has(member.id);
  }

  memberIds(): number[] {
    return [...this.#workers];
  }

  localAddress(): LocalAddress | undefined {
    if (this.#udp) return undefined;
    if (this.#path !== undefined) return { path: this.#path };
    const handle = this.#handle;
    if (handle?.getsockname === undefined) return undefined;
    const name: { address?: string; port?: number } = {};
    handle.getsockname(name);
    return name.address === undefined || name.port === undefined
      ? undefined
      : { address: name.address, port: name.port };
  }

  counters(): HandleCounters {
    return {
      queued: 0,
      inFlight: 0,
      handedOut: 0,
      accepted: 0,
      refused: 0,
      rerouted: 0,
      closedUnserved: 0,
      sockets: this.#handle === null ? 0 : 1,
      orphans: 0,
    };
  }
}
