// The contract between the dispatcher and a scheduling strategy: what a strategy is shown, and what it answers.
import type { HeadRequest, ProxyInfo } from './head/head-request.js';

/** A worker's id, as `cluster.workers` keys it. */
export type WorkerId = number;

/**
 * What is known about a connection: before any byte is read from it, or, for a strategy with a `head`, from the
 * bytes it sent first.
 */
export interface ConnectionInfo {
  /** The server key (one listen socket in the primary). */
  key: string;
  remoteAddress?: string;
  remotePort?: number;
  localPort?: number;
  /**
   * A sticky key: what the strategy's head reader found (a cookie, header or query value, a PROXY header's client
   * address); `consistent-hash` prefers it.
   */
  routingKey?: string;
  /** The bytes the primary read (a strategy with a `head`), the PROXY header stripped; the worker gets them too. */
  firstBytes?: Uint8Array;
  /** The PROXY protocol header the connection started with, if any (a strategy with a `head`). */
  proxy?: ProxyInfo;
}

/**
 * The dispatcher's live view of one worker. The dispatcher updates it in place, so a strategy may keep a
 * reference (from `join`) and read it later; strategies must not write to it.
 */
export interface WorkerView {
  readonly id: WorkerId;
  /**
   * A small index unique among the dispatcher's current workers; a slot freed by a leaving worker goes to the
   * next one to join. Strategies keep per-worker state in arrays indexed by it instead of maps.
   */
  readonly slot: number;
  /** A positive integer, 1 unless the worker was added with another weight. */
  readonly weight: number;
  /** Hand-offs sent to the worker and not yet answered. */
  readonly pending: number;
  /** Live connections: the last reported count, plus those accepted and minus those closed since (never < 0). */
  readonly connections: number;
  /** In-flight requests from the last load report. */
  readonly requests: number;
  /** False while the worker says it is busy or not ready; such a worker is never offered to `pick`. */
  readonly ready: boolean;
}

/**
 * How connections on a listen socket reach workers: `'handoff'` (the default) — the primary accepts each
 * connection and a `Dispatcher` hands it to the worker `pick` chose; `'shared'` — the primary shares the
 * listen handle with every worker and the kernel distributes (Node's SCHED_NONE), so `pick` is never used;
 * `'reuseport'` — each worker gets an SO_REUSEPORT listen socket of its own and the kernel distributes; `pick`
 * serves only connections the primary accepts itself (the queue of a socket whose worker left).
 */
export type StrategyMode = 'handoff' | 'shared' | 'reuseport';

/**
 * A scheduling strategy. One instance serves one dispatcher: it may keep per-worker state, which `join` and
 * `leave` keep in step with the dispatcher's workers.
 */
export interface Strategy {
  readonly name: string;
  /** Absent means `'handoff'`. */
  readonly mode?: StrategyMode;
  /** True when the primary must fill `remoteAddress`/`remotePort` (a `getpeername` per connection). */
  readonly needsPeer?: boolean;
  /**
   * True when `pick` reads `connections` or `requests` as workers report them, so the primary must start
   * `@shoal/worker`'s runtime in every worker to send load reports. Without reports, `connections` only
   * counts the hand-offs a worker accepted, minus closes the primary sees (none in round-robin mode).
   */
  readonly needsLoad?: boolean;
  /**
   * True when `pick` may queue one connection yet place another at the same moment, because its answer
   * depends on the connection (as `consistent-hash`'s does). The dispatcher then keeps draining past a
   * connection `pick` queued; otherwise it stops at the first one (strict FIFO, and an O(1) drain when no
   * worker can take anything).
   */
  readonly selective?: boolean;
  /**
   * Present when `pick` needs what the connection sends first: the primary reads up to `head.maxBytes` bytes
   * within `head.timeoutMs` (fewer once `head.examine` is done), fills `routingKey`, `firstBytes` and `proxy`,
   * and hands the connection to the worker with those bytes, which Shoal's worker runtime gives back to the
   * app's server before anything else. Needs the worker runtime, like `needsLoad`.
   */
  readonly head?: HeadRequest;
  /**
   * Choose the worker for `connection`, or return `undefined` to keep it queued. `workers` holds every worker
   * that may take this connection — ready, and not among those that already refused it — in the order they
   * joined; it is never empty. Workers with hand-offs in flight are included: whether to wait for them is the
   * strategy's call (see `pending`). The array is only valid during the call. Return one of its elements.
   */
  pick(connection: ConnectionInfo, workers: readonly WorkerView[]): WorkerView | undefined;
  /** A worker was added (ready or not). */
  join?(worker: WorkerView): void;
  /** A worker was removed; the view is not offered again. */
  leave?(worker: WorkerView): void;
  /** The worker's `ready` flag changed. */
  readyChanged?(worker: WorkerView): void;
  /** The worker answered a hand-off: `accepted` (now counted in `connections`) or refused. */
  settled?(worker: WorkerView, connection: ConnectionInfo, accepted: boolean): void;
  /** A connection the worker had accepted closed. */
  connectionClosed?(worker: WorkerView): void;
  /** The worker sent a load report (already applied to the view). */
  loadReported?(worker: WorkerView): void;
  /**
   * The worker claimed a routing key (a session it created, say, with `@shoal/worker`'s `claim()`): connections
   * with that key should go to it from now on.
   */
  claimed?(worker: WorkerView, key: string): void;
}

/** The shortest custom strategy: `pick` alone. */
export type StrategyFunction = (
  connection: ConnectionInfo,
  workers: readonly WorkerView[],
) => WorkerView | undefined;

/** A class whose instances are strategies: `new Class()` gives the instance of one listen key. */
export type StrategyClass = new () => Strategy;

/** A function of no parameters returning a new strategy each call: one per listen key. */
export type StrategyFactory = () => Strategy;
