// The `--metrics` HTTP server of `shoal run`: /metrics (the app's prom-client metrics summed across workers, then
// Shoal's own), /livez and /readyz (the supervisor's readiness).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Supervisor } from '@shoal/supervisor';
import { prometheusContentType } from 'prom-client';
import { AppMetricsCollector } from './app-metrics.js';
import { renderShoalMetrics } from './shoal-metrics.js';

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Longest wait for workers' prom-client answers in a scrape (default 2 000 ms, under Prometheus' default
   * 10 s scrape timeout). */
  appMetricsTimeoutMs?: number;
}

export interface MetricsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(
  supervisor: Supervisor,
  options: MetricsServerOptions,
): Promise<MetricsServer> {
  const collector = new AppMetricsCollector(supervisor.primary, options.appMetricsTimeoutMs ?? 2000);
  const server = createServer((request, response) => {
    route(supervisor, collector, request, response).catch((error: unknown) => {
      if (!response.headersSent) respond(response, 500, `${(error as Error)?.message ?? error}\n`);
      else response.destroy();
    });
  });
  // A probe or scraper must never keep the primary alive on its own, nor hold up its exit.
  server.unref();
  try {
    server.listen(options.port, options.host);
    await once(server, 'listening');
  } catch (error) {
    collector.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: async () => {
      collector.close();
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

async function route(
  supervisor: Supervisor,
  collector: AppMetricsCollector,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    respond(response, 405, 'method not allowed\n');
    return;
  }
  if (path === '/livez') {
    respond(response, 200, 'ok\n');
    return;
  }
  if (path === '/readyz') {
    if (supervisor.ready) respond(response, 200, 'ok\n');
    else respond(response, 503, 'not ready\n');
    return;
  }
  if (path === '/metrics') {
    respond(response, 200, await scrape(supervisor, collector), prometheusContentType);
    return;
  }
  respond(response, 404, 'not found: /metrics, /livez, /readyz\n');
}

async function scrape(supervisor: Supervisor, collector: AppMetricsCollector): Promise<string> {
  const app = await collector.collect();
  const shoal = await renderShoalMetrics({
    supervisor: supervisor.snapshot(),
    cluster: supervisor.primary.inspect(),
    app,
    primaryMemory: process.memoryUsage(),
  });
  // Each metric family appears once in a Prometheus text body and families may come in any order, so the two
  // bodies concatenate; prom-client ends each family with a newline.
  return app.text === '' ? shoal : `${app.text.endsWith('\n') ? app.text : `${app.text}\n`}${shoal}`;
}

function respond(
  response: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
