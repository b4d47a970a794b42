// Heartbeats and metrics from the main thread, every interval: a worker whose main thread is blocked sends
// nothing, which is how the primary tells a hung worker from a busy one.
import type { ExtensionChannel } from '@shoal/protocol';
import { MetricsSampler } from './metrics-sampler.js';

/** `SHOAL_HEARTBEAT_MS` as an interval in ms, or undefined (absent, 0, or not a positive number: off). */
export function heartbeatIntervalFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  // setInterval's range; anything outside turns heartbeats off rather than firing every millisecond.
  return Number.isFinite(ms) && ms > 0 && ms <= 2 ** 31 - 1 ? ms : undefined;
}

/** Sends `heartbeat` then `metrics` every `intervalMs`; returns a function that stops them. */
export function startHeartbeat(
  channel: ExtensionChannel,
  intervalMs: number,
  counters: () => Record<string, number> = () => ({}),
): () => void {
  const sampler = new MetricsSampler();
  const timer = setInterval(() => {
    channel.sendHeartbeat(Date.now());
    channel.sendMetrics({ ...sampler.sample(), ...counters() });
  }, intervalMs);
  // The heartbeat must never be what keeps a worker alive.
  timer.unref();
  return () => {
    clearInterval(timer);
    sampler.stop();
  };
}
