// This worker's metrics for one heartbeat interval: memory, event-loop delay and utilization, uptime.
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** The `metrics` message's fields (all finite numbers). */
export interface WorkerMetrics {
  [field: string]: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** p99 of the event loop's delay since the last sample, in ms. */
  eventLoopDelayMs: number;
  /** Share of the time since the last sample the event loop was busy, 0..1. */
  eventLoopUtilization: number;
  /** Since this process started. */
  uptimeMs: number;
}

/** Node's histogram samples every `resolution` ms; each sample is the time since the previous one. */
const delayResolutionMs = 10;

export class MetricsSampler {
  readonly #delay: IntervalHistogram = monitorEventLoopDelay({ resolution: delayResolutionMs });
  #utilization = performance.eventLoopUtilization();
  /** See #startProbe. */
  #probeDue = 0;
  #probeLateMs: number | undefined;
  #probe: NodeJS.Timeout | undefined;
  readonly #onProbe = (): void => {
    this.#probeLateMs = performance.now() - this.#probeDue;
  };

  constructor() {
    // Its timer is unref'd by Node: the histogram never keeps the process alive.
    this.#delay.enable();
    this.#startProbe();
  }

  /** The metrics since the previous call (or since construction), then starts a new interval. */
  sample(): WorkerMetrics {
    const memory = process.memoryUsage();
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, this.#utilization).utilization;
    this.#utilization = now;
    // A sample is the time between two of the histogram's ticks, so an idle loop reads `resolution`: the
    // delay is what exceeds it. With no sample yet (count 0) percentile() is 0, read as no delay.
    const p99Ms = this.#delay.count === 0 ? 0 : this.#delay.percentile(99) / 1e6;
    const probeLateMs = this.#probeLateMs ?? performance.now() - this.#probeDue;
    this.#delay.reset();
    this.#startProbe();
    return {
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      eventLoopDelayMs: finite(Math.max(0, p99Ms - delayResolutionMs, probeLateMs)),
      eventLoopUtilization: finite(Math.min(1, Math.max(0, utilization))),
      uptimeMs: Math.round(process.uptime() * 1000),
    };
  }

  stop(): void {
    this.#delay.disable();
    clearTimeout(this.#probe);
  }

  /**
   * reset() makes Node's histogram drop its next sample (it forgets the previous tick's time), so a stall
   * that begins right after a reset would go unseen. A timer due one resolution after the reset covers that
   * blind window: it is late by about as much as such a stall lasted.
   */
  #startProbe(): void {
    clearTimeout(this.#probe);
    this.#probeLateMs = undefined;
    this.#probeDue = performance.now() + delayResolutionMs;
    this.#probe = setTimeout(this.#onProbe, delayResolutionMs);
    this.#probe.unref();
  }
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}
