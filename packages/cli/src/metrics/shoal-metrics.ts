// Shoal's own metrics (prefix shoal_) as Prometheus text, from one supervisor snapshot and one primary inspection.
import type { ClusterSnapshot, ListenKeySnapshot } from '@shoal/primary';
import type { SupervisedWorkerSnapshot, SupervisorSnapshot, WorkerLifecycle } from '@shoal/supervisor';
import { Counter, Gauge, Registry } from 'prom-client';
import type { AppMetrics } from './app-metrics.js';

const lifecycle: readonly WorkerLifecycle[] = ['starting', 'ready', 'draining', 'stopping', 'dead'];

export interface ShoalMetricsInput {
  supervisor: SupervisorSnapshot;
  cluster: ClusterSnapshot;
  app: Pick<AppMetrics, 'asked' | 'answered' | 'complete'>;
  primaryMemory: Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed'>;
}

/** A fresh registry per scrape: every value is read from the snapshots, so counters are set, not counted. */
export async function renderShoalMetrics(input: ShoalMetricsInput): Promise<string> {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name: `shoal_${name}`, help, labelNames, registers: [registry] });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: `shoal_${name}`, help, labelNames, registers: [registry] });

  const { supervisor } = input;
  gauge('ready', '1 when the supervisor is ready (what /readyz answers), else 0').set(
    supervisor.ready ? 1 : 0,
  );
  gauge('workers_desired', 'Workers the supervisor keeps').set(supervisor.size);
  gauge('reloading', '1 while a rolling reload runs').set(supervisor.reloading ? 1 : 0);
  gauge('shutting_down', '1 once a graceful shutdown started').set(supervisor.shuttingDown ? 1 : 0);
  const crashLooped = gauge(
    'worker_crash_looped',
    '1 for an index whose respawning stopped after a crash loop',
    ['index'],
  );
  for (const index of supervisor.crashLooped) crashLooped.set({ index: String(index) }, 1);

  renderWorkers(supervisor.workers, gauge, counter);
  renderKeys(input.cluster.keys, gauge, counter);

  gauge('primary_resident_memory_bytes', "The primary process's resident set size").set(
    input.primaryMemory.rss,
  );
  gauge('primary_heap_used_bytes', "The primary process's V8 heap in use").set(input.primaryMemory.heapUsed);
  gauge('app_metrics_workers_asked', "Workers asked for the app's prom-client metrics in this scrape").set(
    input.app.asked,
  );
  gauge(
    'app_metrics_workers_answered',
    "Workers whose prom-client metrics are summed in this scrape's app metrics",
  ).set(input.app.answered);
  gauge(
    'app_metrics_complete',
    "0 when a worker that uses prom-client did not answer in time: the app's metrics are left out of this scrape",
  ).set(input.app.complete ? 1 : 0);
  return registry.metrics();
}

type MakeGauge = <L extends string>(name: string, help: string, labelNames?: readonly L[]) => Gauge<L>;
type MakeCounter = <L extends string>(name: string, help: string, labelNames?: readonly L[]) => Counter<L>;

function renderWorkers(
  workers: readonly SupervisedWorkerSnapshot[],
  gauge: MakeGauge,
  counter: MakeCounter,
): void {
  const byWorker = ['index', 'incoming'] as const;
  const info = gauge('worker_info', 'One per live worker: its cluster id and pid', [
    ...byWorker,
    'id',
    'pid',
  ]);
  const restarts = counter('worker_restarts_total', 'Unplanned exits of an index that were replaced', [
    'index',
  ]);
  const state = gauge('worker_state', 'Workers of an index in each lifecycle state', ['index', 'state']);
  const uptime = gauge('worker_uptime_seconds', 'Time since the worker was forked', byWorker);
  const connections = gauge('worker_connections', 'Live connections the worker serves', byWorker);
  const requests = gauge('worker_requests_in_flight', 'HTTP requests in flight in the worker', byWorker);
  const delay = gauge(
    'worker_event_loop_delay_seconds',
    "p99 of the worker's event-loop delay over its last heartbeat interval",
    byWorker,
  );
  const rss = gauge('worker_resident_memory_bytes', "The worker's resident set size", byWorker);
  const heap = gauge('worker_heap_used_bytes', "The worker's V8 heap in use", byWorker);

  const indices = new Map<number, SupervisedWorkerSnapshot[]>();
  for (const worker of workers) indices.set(worker.index, [...(indices.get(worker.index) ?? []), worker]);
  for (const [index, records] of indices) {
    const label = String(index);
    restarts.inc({ index: label }, records[0]?.restarts ?? 0);
    for (const name of lifecycle) {
      state.set({ index: label, state: name }, records.filter((record) => record.state === name).length);
    }
  }
  for (const worker of workers) {
    const labels = { index: String(worker.index), incoming: String(worker.incoming) };
    info.set({ ...labels, id: String(worker.id), pid: String(worker.pid ?? '') }, 1);
    uptime.set(labels, worker.uptimeMs / 1000);
    // Values a worker has not reported yet (no load report or heartbeat so far) are left out, not shown as 0.
    if (worker.connections !== undefined) connections.set(labels, worker.connections);
    if (worker.requests !== undefined) requests.set(labels, worker.requests);
    if (worker.eventLoopDelayMs !== undefined) delay.set(labels, worker.eventLoopDelayMs / 1000);
    if (worker.rss !== undefined) rss.set(labels, worker.rss);
    if (worker.heapUsed !== undefined) heap.set(labels, worker.heapUsed);
  }
}

function renderKeys(keys: readonly ListenKeySnapshot[], gauge: MakeGauge, counter: MakeCounter): void {
  const byKey = ['key', 'kind', 'address'] as const;
  const queued = gauge('handoffs_queued', 'Connections waiting in the primary for a worker', byKey);
  const inFlight = gauge(
    'handoffs_in_flight',
    'Connections handed to a worker, answer not yet received',
    byKey,
  );
  const handedOut = counter(
    'handoffs_total',
    'Hand-offs sent to workers (a re-routed one counts again)',
    byKey,
  );
  const accepted = counter('handoffs_accepted_total', 'Hand-offs a worker took', byKey);
  const refused = counter('handoffs_refused_total', 'Hand-offs a worker refused', byKey);
  const rerouted = counter(
    'handoffs_rerouted_total',
    'Hand-offs in flight to a worker that left, queued again for another',
    byKey,
  );
  const closedUnserved = counter(
    'connections_closed_unserved_total',
    'Connections the primary accepted and closed without a worker serving them',
    byKey,
  );
  const sockets = gauge('listen_sockets', 'Listen sockets the primary holds for the key', byKey);
  const orphans = gauge('listen_orphan_sockets', 'Listen sockets whose worker left (reuseport)', byKey);
  const workers = gauge('listen_workers', 'Workers serving the key', byKey);
  for (const key of keys) {
    const labels = { key: key.key, kind: key.kind, address: addressOf(key.address) };
    queued.set(labels, key.queued);
    inFlight.set(labels, key.inFlight);
    handedOut.inc(labels, key.handedOut);
    accepted.inc(labels, key.accepted);
    refused.inc(labels, key.refused);
    rerouted.inc(labels, key.rerouted);
    closedUnserved.inc(labels, key.closedUnserved);
    sockets.set(labels, key.sockets);
    orphans.set(labels, key.orphans);
    workers.set(labels, key.workers.length);
  }
}

function addressOf(address: ListenKeySnapshot['address']): string {
  if (address === undefined) return '';
  if ('path' in address) return address.path;
  return address.address.includes(':')
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}
