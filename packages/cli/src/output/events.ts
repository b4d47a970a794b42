// Shoal's own lifecycle events as plain records: one JSON line each on stderr (never stdout, which is the app's),
// and a short text for the live view's activity lines.
import type { Supervisor } from '@shoal/supervisor';

export interface EventRecord {
  event: string;
  time: string;
  [field: string]: unknown;
}

export type EventSink = (record: EventRecord) => void;

export function record(event: string, fields: Record<string, unknown> = {}): EventRecord {
  return { event, time: new Date().toISOString(), ...fields };
}

/** Forwards every supervisor event to `sink` as a record. */
export function forwardSupervisorEvents(supervisor: Supervisor, sink: EventSink): void {
  type Info = { index: number; pid: number | undefined; worker: { id: number } };
  const worker = (info: Info) => ({ index: info.index, pid: info.pid, id: info.worker.id });
  supervisor.on('worker-start', (info) => sink(record('worker-start', worker(info))));
  supervisor.on('worker-ready', (info) => sink(record('worker-ready', worker(info))));
  supervisor.on('worker-exit', (info, exit) => sink(record('worker-exit', { ...worker(info), ...exit })));
  supervisor.on('restart-scheduled', (index, delayMs) =>
    sink(record('restart-scheduled', { index, delayMs: Math.round(delayMs) })),
  );
  supervisor.on('crash-loop', (index, quickExits) => sink(record('crash-loop', { index, quickExits })));
  supervisor.on('start-timeout', (info) => sink(record('start-timeout', worker(info))));
  supervisor.on('hang', (info, report) =>
    sink(record('hang', { ...worker(info), silentMs: report.silentMs })),
  );
  supervisor.on('memory-limit', (info, metrics) =>
    sink(record('memory-limit', { ...worker(info), rss: metrics.rss, heapUsed: metrics.heapUsed })),
  );
  supervisor.on('reload-start', () => sink(record('reload-start')));
  supervisor.on('reload-end', (report) => sink(record('reload-end', { ...report })));
  supervisor.on('shutdown-start', () => sink(record('shutdown-start')));
  supervisor.on('shutdown-end', (report) => sink(record('shutdown-end', { ...report })));
}

/** One line for a person: what happened, to which worker. */
export function describe(entry: EventRecord): string {
  const who = typeof entry.index === 'number' ? `worker ${entry.index}` : '';
  switch (entry.event) {
    case 'start':
      return `started ${entry.workers} workers of ${entry.app} (pid ${entry.pid}; control: ${entry.control})`;
    case 'ready':
      return `all ${entry.workers} workers ready in ${entry.durationMs} ms`;
    case 'watching':
      return `watching ${entry.dir} for changes`;
    case 'watch-change':
      return `changed: ${(entry.files as string[]).join(', ')}: reloading`;
    case 'metrics':
      return `metrics on http://${entry.host}:${entry.port}/metrics`;
    case 'worker-start':
      return `${who} starting (pid ${entry.pid})`;
    case 'worker-ready':
      return `${who} ready (pid ${entry.pid})`;
    case 'worker-exit':
      return `${who} exited (${entry.signal ?? entry.code})${entry.intended ? '' : ', unplanned'}`;
    case 'restart-scheduled':
      return `${who} restarts in ${entry.delayMs} ms`;
    case 'crash-loop':
      return `${who} is crash-looping (${entry.quickExits} quick exits): not restarted`;
    case 'reload-start':
      return 'reload started';
    case 'reload-end':
      return `reload ${entry.ok ? 'done' : 'FAILED'} in ${entry.durationMs} ms`;
    case 'shutdown-start':
      return 'shutting down: draining workers';
    case 'shutdown-end':
      return `shut down in ${entry.durationMs} ms (${entry.graceful} graceful, ${entry.forced} forced)`;
    default: {
      const { event, time: _time, ...rest } = entry;
      return `${event} ${JSON.stringify(rest)}`;
    }
  }
}
