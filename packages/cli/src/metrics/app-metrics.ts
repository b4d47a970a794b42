// The app's own prom-client metrics, summed across workers: prom-client's worker-side protocol and its aggregation
// (AggregatorRegistry.aggregate), with a fan-out of our own that a worker without prom-client cannot stall.
import type { ClusterPrimary, Worker } from '@shoal/primary';
import { AggregatorRegistry } from 'prom-client';

// The messages prom-client's worker side answers (lib/cluster.js): every version since v11 speaks them, so a
// worker's prom-client of any recent version answers this primary.
const metricsRequest = 'prom-client:getMetricsReq';
const metricsResponse = 'prom-client:getMetricsRes';

/** One worker's answer: one array of metric objects (`getMetricsAsJSON()`) per registry it exposes. */
type RegistryJson = object[];

interface MetricsResponse {
  type: typeof metricsResponse;
  requestId: unknown;
  metrics?: RegistryJson[];
  error?: string;
}

export interface AppMetrics {
  /** Prometheus text of the summed metrics; empty when none (no worker uses prom-client, or a gap, see below). */
  text: string;
  /** Workers asked, and those whose answer is in `text`. */
  asked: number;
  answered: number;
  /** False when a worker that uses prom-client did not answer in time: `text` is then empty rather than a partial
   * sum, which Prometheus would read as a counter reset. */
  complete: boolean;
}

interface Pending {
  waiting: Set<Worker>;
  answers: RegistryJson[];
  answered: number;
  settle(): void;
}

/**
 * Asks every connected worker for its registries, as prom-client's `clusterMetrics()` does, but waits only for
 * workers that use prom-client (one that answered before; or any new one, unless no worker ever answered) and
 * at most `timeoutMs`. A worker that never answers (no prom-client) is asked again each time but not waited for.
 */
export class AppMetricsCollector {
  readonly #primary: ClusterPrimary;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  /** Workers that answered at least once (they use prom-client), and those that missed a deadline without ever
   * answering (they do not, or not yet). */
  readonly #speaking = new WeakSet<Worker>();
  readonly #silent = new WeakSet<Worker>();
  #everAnswered = false;
  #everMissed = false;
  #nextId = 1;
  readonly #onMessage = (worker: Worker, message: unknown): void => this.#receive(worker, message);
  // A worker that leaves mid-scrape will not answer: stop waiting for it (its counts leave the sum, as they do
  // once it is gone).
  readonly #onGone = (worker: Worker): void => {
    for (const pending of [...this.#pending.values()]) {
      if (pending.waiting.delete(worker) && pending.waiting.size === 0) pending.settle();
    }
  };

  constructor(primary: ClusterPrimary, timeoutMs: number) {
    this.#primary = primary;
    this.#timeoutMs = timeoutMs;
    primary.on('message', this.#onMessage);
    primary.on('disconnect', this.#onGone);
    primary.on('exit', this.#onGone);
  }

  async collect(): Promise<AppMetrics> {
    const requestId = this.#nextId++;
    const asked: Worker[] = [];
    for (const worker of Object.values(this.#primary.workers)) {
      if (worker === undefined || !worker.isConnected()) continue;
      try {
        worker.send({ type: metricsRequest, requestId });
        asked.push(worker);
      } catch {
        // The channel closed between the check and the send: the worker is leaving, like one not connected.
      }
    }
    const pending: Pending = {
      waiting: new Set(asked.filter((worker) => this.#awaits(worker))),
      answers: [],
      answered: 0,
      settle: () => {},
    };
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => pending.settle(), this.#timeoutMs);
      pending.settle = () => {
        clearTimeout(timer);
        this.#pending.delete(requestId);
        resolve();
      };
      this.#pending.set(requestId, pending);
      // Nobody to wait for: answers already on their way still count if they arrive within this turn.
      if (pending.waiting.size === 0) setImmediate(() => pending.settle());
    });
    const missed = [...pending.waiting];
    for (const worker of missed) {
      if (this.#speaking.has(worker)) continue;
      this.#silent.add(worker);
      this.#everMissed = true;
    }
    const complete = missed.every((worker) => !this.#speaking.has(worker));
    const text = complete ? await aggregate(pending.answers) : undefined;
    return {
      text: text ?? '',
      asked: asked.length,
      answered: text === undefined ? 0 : pending.answered,
      complete: text !== undefined,
    };
  }

  close(): void {
    this.#primary.off('message', this.#onMessage);
    this.#primary.off('disconnect', this.#onGone);
    this.#primary.off('exit', this.#onGone);
    for (const pending of [...this.#pending.values()]) pending.settle();
  }

  #awaits(worker: Worker): boolean {
    if (this.#speaking.has(worker)) return true;
    if (this.#silent.has(worker)) return false;
    // A new worker: the app uses prom-client if some worker answered, or if nothing is known yet.
    return this.#everAnswered || !this.#everMissed;
  }

  #receive(worker: Worker, message: unknown): void {
    if (!isMetricsResponse(message)) return;
    this.#speaking.add(worker);
    this.#silent.delete(worker);
    this.#everAnswered = true;
    const pending = typeof message.requestId === 'number' ? this.#pending.get(message.requestId) : undefined;
    if (pending === undefined) return; // late, or another aggregator's request
    // A worker whose registry failed to serialize counts as answered with nothing, as it cannot do better.
    if (message.error === undefined && Array.isArray(message.metrics)) {
      pending.answers.push(...message.metrics);
      pending.answered++;
    }
    pending.waiting.delete(worker);
    if (pending.waiting.size === 0) pending.settle();
  }
}

function isMetricsResponse(message: unknown): message is MetricsResponse {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === metricsResponse
  );
}

/** prom-client's own aggregation (sum by default, or each metric's `aggregator`); undefined if it fails (a metric
 * whose aggregator this primary's prom-client does not know, say). */
async function aggregate(answers: RegistryJson[]): Promise<string | undefined> {
  if (answers.length === 0) return '';
  try {
    return await AggregatorRegistry.aggregate(answers).metrics();
  } catch {
    return undefined;
  }
}
