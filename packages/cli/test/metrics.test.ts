// startMetricsServer on a real supervised cluster: the app's prom-client metrics summed across workers, Shoal's own
// metrics, a worker without prom-client, and the /livez and /readyz probes through start-up and shutdown.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { get, ProcessFixture } from '../../../tools/test-support/index.js';
import { type Family, parsePrometheusText, samplesOf, total } from './metrics-prometheus-text.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Started {
  primary: ProcessFixture;
  metricsPort: number;
}

async function start(env: Record<string, string> = {}, supervise: object = {}): Promise<Started> {
  const primary = ProcessFixture.start(fixture('metrics-primary.mjs'), {
    cwd: packageDir,
    env: { METRICS_SUPERVISE: JSON.stringify(supervise), ...env },
  });
  const metrics = await primary.waitForEvent('metrics');
  return { primary, metricsPort: metrics.port as number };
}

async function appPort(primary: ProcessFixture): Promise<number> {
  return (await primary.waitForEvent('listening')).port as number;
}

async function scrape(port: number): Promise<{ families: Map<string, Family>; contentType: string }> {
  const reply = await get(port, '/metrics');
  expect(reply.status).toBe(200);
  return { families: parsePrometheusText(reply.body), contentType: String(reply.headers['content-type']) };
}

/** Scrapes until `ready` holds (a worker's memory and event-loop series appear with its first heartbeat), within
 * `timeoutMs`; the wait between scrapes only paces the polling. */
async function scrapeUntil(
  port: number,
  ready: (families: Map<string, Family>) => boolean,
  timeoutMs = 10_000,
): Promise<Map<string, Family>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { families } = await scrape(port);
    if (ready(families)) return families;
    if (performance.now() > deadline)
      throw new Error(`scrapes did not meet the condition in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const heartbeatSeen = (families: Map<string, Family>) =>
  (families.get('shoal_worker_resident_memory_bytes')?.samples.length ?? 0) === 2;

/** Requests the app `count` times and tells how many each kind of worker ('prom' or 'plain') served. */
async function load(port: number, count: number): Promise<Record<string, number>> {
  const served: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const reply = await get(port, i % 3 === 0 ? '/other' : '/');
    const kind = reply.body.trim().split(' ')[2] ?? '?';
    served[kind] = (served[kind] ?? 0) + 1;
  }
  return served;
}

const value = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}) =>
  samplesOf(families, name).find((sample) =>
    Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted),
  )?.value;

describe('/metrics', () => {
  it("sums the app's prom-client counter across workers and adds Shoal's metrics", async () => {
    const { primary, metricsPort } = await start();
    await primary.waitForEvent('all-ready');
    const port = await appPort(primary);
    const served = await load(port, 30);
    expect(served).toEqual({ prom: 30 });

    await scrapeUntil(metricsPort, heartbeatSeen);
    const { families, contentType } = await scrape(metricsPort);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(families.get('app_requests_total')?.type).toBe('counter');
    expect(total(families, 'app_requests_total')).toBe(30);
    expect(value(families, 'app_requests_total', { route: '/other' })).toBe(10);
    expect(value(families, 'app_worker_up')).toBe(1); // its aggregator is max, not sum
    // prom-client's default metrics from both workers aggregate too (RSS sums).
    expect(total(families, 'process_resident_memory_bytes')).toBeGreaterThan(20e6);

    expect(value(families, 'shoal_ready')).toBe(1);
    expect(value(families, 'shoal_workers_desired')).toBe(2);
    expect(value(families, 'shoal_app_metrics_complete')).toBe(1);
    expect(value(families, 'shoal_app_metrics_workers_answered')).toBe(2);
    for (const index of ['0', '1']) {
      expect(value(families, 'shoal_worker_state', { index, state: 'ready' })).toBe(1);
      expect(value(families, 'shoal_worker_state', { index, state: 'starting' })).toBe(0);
      expect(value(families, 'shoal_worker_restarts_total', { index })).toBe(0);
      const rss = value(families, 'shoal_worker_resident_memory_bytes', { index }) ?? 0;
      expect(rss).toBeGreaterThan(10e6);
      expect(rss).toBeLessThan(2e9);
      const heap = value(families, 'shoal_worker_heap_used_bytes', { index }) ?? 0;
      expect(heap).toBeGreaterThan(1e6);
      expect(heap).toBeLessThan(rss);
      const delay = value(families, 'shoal_worker_event_loop_delay_seconds', { index }) ?? -1;
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(5);
      expect(value(families, 'shoal_worker_connections', { index })).toBeGreaterThanOrEqual(0);
      expect(value(families, 'shoal_worker_requests_in_flight', { index })).toBeGreaterThanOrEqual(0);
      expect(value(families, 'shoal_worker_uptime_seconds', { index })).toBeGreaterThan(0);
    }
    expect(families.get('shoal_handoffs_total')?.type).toBe('counter');
    const key = samplesOf(families, 'shoal_handoffs_total').find((s) =>
      s.labels.address?.endsWith(`:${port}`),
    );
    expect(key?.labels.kind).toBe('round-robin');
    expect(key?.value).toBe(30); // one hand-off per connection (each request on a fresh one)
    expect(value(families, 'shoal_handoffs_accepted_total', { address: key?.labels.address ?? '' })).toBe(30);
    expect(value(families, 'shoal_handoffs_queued', { address: key?.labels.address ?? '' })).toBe(0);
    expect(value(families, 'shoal_handoffs_refused_total', { address: key?.labels.address ?? '' })).toBe(0);
    expect(value(families, 'shoal_handoffs_rerouted_total', { address: key?.labels.address ?? '' })).toBe(0);
    expect(value(families, 'shoal_listen_workers', { address: key?.labels.address ?? '' })).toBe(2);
    expect(value(families, 'shoal_primary_resident_memory_bytes')).toBeGreaterThan(10e6);

    // A second scrape sees later requests: the sum is live, not cached.
    await load(port, 4);
    expect(total((await scrape(metricsPort)).families, 'app_requests_total')).toBe(34);
  });

  it('does not wait for a worker without prom-client beyond the first scrape, and sums the others', async () => {
    const { primary, metricsPort } = await start(
      { METRICS_APP_NO_PROM: '1', METRICS_SERVER: JSON.stringify({ appMetricsTimeoutMs: 1500 }) },
      { heartbeat: false },
    );
    await primary.waitForEvent('all-ready');
    const served = await load(await appPort(primary), 20);
    expect(served.prom).toBeGreaterThan(0);
    expect(served.plain).toBeGreaterThan(0);

    const timings: number[] = [];
    let families = new Map<string, Family>();
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      families = (await scrape(metricsPort)).families;
      timings.push(performance.now() - started);
    }
    // Only the first scrape waits (bounded by the timeout) for the worker that never answers.
    expect(timings[0]).toBeLessThan(1500 + 1000);
    expect(timings[1]).toBeLessThan(500);
    expect(timings[2]).toBeLessThan(500);
    expect(total(families, 'app_requests_total')).toBe(served.prom);
    expect(value(families, 'shoal_app_metrics_workers_asked')).toBe(2);
    expect(value(families, 'shoal_app_metrics_workers_answered')).toBe(1);
    expect(value(families, 'shoal_app_metrics_complete')).toBe(1);
    // heartbeat: false — no metrics from workers yet the scrape is valid: those series are left out, not zero.
    expect(families.has('shoal_worker_state')).toBe(true);
  });

  it('serves only Shoal metrics, without waiting, when no worker uses prom-client', async () => {
    const { primary, metricsPort } = await start({
      METRICS_APP_NO_PROM: '0,1',
      METRICS_SERVER: JSON.stringify({ appMetricsTimeoutMs: 800 }),
    });
    await primary.waitForEvent('all-ready');
    const first = await scrape(metricsPort);
    expect(first.families.has('app_requests_total')).toBe(false);
    expect(value(first.families, 'shoal_app_metrics_workers_answered')).toBe(0);
    const started = performance.now();
    const second = await scrape(metricsPort);
    expect(performance.now() - started).toBeLessThan(400);
    expect(value(second.families, 'shoal_ready')).toBe(1);
  });
});

describe('/livez and /readyz', () => {
  it('turn ready only once a worker is, and not ready during shutdown while live', async () => {
    const { primary, metricsPort } = await start(
      { METRICS_APP_HOLD: '1' },
      { shutdownDelayMs: 1500, readyTimeoutMs: 20_000 },
    );
    // Workers run but do not listen until released: not ready.
    expect((await get(metricsPort, '/livez')).status).toBe(200);
    const before = await get(metricsPort, '/readyz');
    expect(before.status).toBe(503);
    expect(value((await scrape(metricsPort)).families, 'shoal_ready')).toBe(0);

    primary.send({ do: 'release' });
    await primary.waitForEvent('worker-ready');
    const ready = await get(metricsPort, '/readyz');
    expect(ready).toMatchObject({ status: 200, body: 'ok\n' });

    primary.send({ do: 'shutdown' });
    await primary.waitForEvent('shutdown-start');
    // shutdownDelayMs keeps workers serving: the probe says not ready, liveness stays.
    expect((await get(metricsPort, '/readyz')).status).toBe(503);
    expect((await get(metricsPort, '/livez')).status).toBe(200);
    const during = (await scrape(metricsPort)).families;
    expect(value(during, 'shoal_ready')).toBe(0);
    expect(value(during, 'shoal_shutting_down')).toBe(1);
    expect(primary.named('shutdown-end')).toHaveLength(0); // still inside the delay window
    await primary.waitForEvent('closed', {}, 20_000);
    expect(await primary.waitForExit()).toEqual({ code: 0, signal: null });
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    const { metricsPort } = await start({ METRICS_APP_HOLD: '1' });
    expect((await get(metricsPort, '/nope')).status).toBe(404);
    const reply = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' });
    expect(reply.status).toBe(405);
    await reply.body?.cancel();
  });
});
