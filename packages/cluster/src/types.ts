// The facade's types: @types/node's Cluster, with the settings, events and members Shoal adds.
import type { Cluster, ClusterSettings as NodeClusterSettings, Worker as NodeWorker } from 'node:cluster';
import type { ClusterSnapshot, WorkerSession } from '@shoal/primary';
import type { LoadReport } from '@shoal/protocol';
import type { StrategyOptions, StrategySpec } from '@shoal/scheduler';

/** node:cluster's settings plus Shoal's (see the package README). */
export interface ShoalClusterSettings extends NodeClusterSettings {
  /**
   * How the primary distributes connections: a strategy name (`NODE_CLUSTER_SCHED_POLICY` accepts the same
   * names), a strategy object (shared by every listen key), a class or a factory (one instance per key), or a
   * pick function. Frozen at the first `setupPrimary()` or `fork()`.
   */
  strategy?: StrategySpec;
  /**
   * Options for the built-in strategy `strategy` names: `{ routeBy: ['cookie:sid', 'proxy'] }` makes
   * `consistent-hash` route each connection by what it sends first. Frozen with `strategy`.
   */
  strategyOptions?: StrategyOptions;
  /** Load Shoal's worker runtime into workers (true), never (false), or when a feature needs it (unset). */
  workerRuntime?: boolean;
  /** A worker's weight (an integer 1–1000) for weighted strategies, asked when it joins a listen key. */
  weightOf?: (worker: NodeWorker) => number;
  /**
   * Fds of listening TCP or Unix sockets this process inherited (systemd socket activation): a worker listening on
   * one's port (same or unspecified address), path or fd is served from it instead of a bind, and it stays open for
   * replacement workers.
   */
  inheritedSockets?: readonly number[];
}

/** The events Shoal's primary emits besides node:cluster's. */
export interface ShoalClusterEvents {
  /** A worker's load report (sent by Shoal's worker runtime when a strategy reads load). */
  'shoal:load': (worker: NodeWorker, load: LoadReport) => void;
  /** A message from a worker was rejected; with no listener, it becomes a process warning. */
  'shoal:protocolError': (worker: NodeWorker, error: Error) => void;
}

type ShoalListenerMethod = <E extends keyof ShoalClusterEvents>(
  event: E,
  listener: ShoalClusterEvents[E],
) => ShoalCluster;

type ListenerMethods = 'on' | 'once' | 'addListener' | 'prependListener' | 'prependOnceListener';

/** node:cluster's API (as @types/node types it), plus what Shoal adds in the primary. */
export type ShoalCluster = Omit<Cluster, 'setupPrimary' | 'setupMaster' | ListenerMethods> & {
  setupPrimary(settings?: ShoalClusterSettings): void;
  /** @deprecated since Node 16: use `setupPrimary()`. */
  setupMaster(settings?: ShoalClusterSettings): void;
  /** The name of the strategy in force (primary only; frozen at the first setup or fork). */
  readonly strategy?: string;
  /** A snapshot of every listen key and worker (primary only). */
  inspect?(): ClusterSnapshot;
  /** A live worker's session: its extension channel (load, ready, heartbeat, metrics, RPC) (primary only). */
  sessionOf?(worker: NodeWorker | number): WorkerSession | undefined;
} & { [M in ListenerMethods]: ShoalListenerMethod & Cluster[M] };
