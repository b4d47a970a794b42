// The status view as text: one line on the cluster, then one row per worker. Pure (time passed in), so the live
// TTY view, `shoal status` and the tests render the same thing.
import type { SupervisedWorkerSnapshot, SupervisorSnapshot } from '@shoal/supervisor';

export interface StatusHeader {
  name?: string;
  /** A line on what is going on (reload or shutdown progress), shown under the headline. */
  activity?: string;
}

const columns = [
  'worker',
  'pid',
  'state',
  'uptime',
  'restarts',
  'conns',
  'reqs',
  'req/s',
  'rss',
  'heap',
  'loop delay',
] as const;

export function renderStatus(snapshot: SupervisorSnapshot, now: number, header: StatusHeader = {}): string {
  const serving = snapshot.workers.filter((worker) => !worker.incoming);
  const ready = serving.filter((worker) => worker.state === 'ready').length;
  const phase = snapshot.shuttingDown
    ? 'shutting down'
    : snapshot.reloading
      ? 'reloading'
      : snapshot.ready
        ? 'ready'
        : 'not ready';
  const head = [
    header.name === undefined ? 'shoal' : `shoal ${header.name}`,
    `${ready}/${snapshot.size} workers ready`,
    phase,
    ...(snapshot.crashLooped.length > 0 ? [`crash loop: worker ${snapshot.crashLooped.join(', ')}`] : []),
  ].join(' · ');
  const rows = snapshot.workers.map((worker) => row(worker, now));
  const table = [columns as readonly string[], ...rows];
  const widths = columns.map((_, i) => Math.max(...table.map((cells) => (cells[i] as string).length)));
  const lines = table.map((cells) =>
    cells
      .map((cell, i) =>
        i === 0 || i === 2 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
      )
      .join('  ')
      .trimEnd(),
  );
  return [head, ...(header.activity ? [header.activity] : []), ...lines].join('\n');
}

function row(worker: SupervisedWorkerSnapshot, now: number): string[] {
  return [
    worker.incoming ? `${worker.index} (new)` : String(worker.index),
    worker.pid === undefined ? '-' : String(worker.pid),
    worker.state,
    worker.state === 'dead' ? '-' : duration(now - worker.startedAt),
    String(worker.restarts),
    count(worker.connections),
    count(worker.requests),
    worker.requestsPerSecond === undefined ? '-' : worker.requestsPerSecond.toFixed(0),
    bytes(worker.rss),
    bytes(worker.heapUsed),
    worker.eventLoopDelayMs === undefined ? '-' : `${worker.eventLoopDelayMs.toFixed(1)} ms`,
  ];
}

function count(value: number | undefined): string {
  return value === undefined ? '-' : String(value);
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

export function bytes(value: number | undefined): string {
  if (value === undefined) return '-';
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(0)} kB`;
  if (value < 1024 ** 3) return `${(value / 1024 ** 2).toFixed(1)} MB`;
  return `${(value / 1024 ** 3).toFixed(2)} GB`;
}
