// Shared by the framework tests: JSON over real HTTP requests (a new connection each, so the cluster picks a
// worker every time), and the checks that the Express and Fastify examples, which have the same routes, pass.
import http from 'node:http';
import { expect } from 'vitest';

export interface JsonReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { worker: { pid: number; index: string | null }; [field: string]: unknown };
}

export function requestJson(port: number, method: string, path: string, body?: unknown): Promise<JsonReply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        timeout: 10_000,
        headers: {
          connection: 'close',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          try {
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) });
          } catch {
            reject(new Error(`${method} ${path}: status ${response.statusCode}, not JSON: ${text}`));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${path} timed out`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * GET / until every pid in `pids` has answered (round robin alternates, so a few requests do): each answering
 * pid with the worker index it named (null outside `shoal run`).
 */
export async function workersAnswering(
  port: number,
  pids: Iterable<number>,
  limit = 40,
): Promise<Map<number, string | null>> {
  const wanted = new Set(pids);
  const seen = new Map<number, string | null>();
  for (let i = 0; i < limit && seen.size < wanted.size; i++) {
    const reply = await requestJson(port, 'GET', '/');
    expect(reply.status).toBe(200);
    expect(reply.headers['x-worker']).toBe(String(reply.body.worker.pid));
    seen.set(reply.body.worker.pid, reply.body.worker.index);
  }
  return seen;
}

/** The routes both framework apps have: a JSON body's round trip, a path parameter and a wildcard. */
export async function checkRoutes(port: number, pids: Set<number>): Promise<void> {
  const sent = { order: 17, items: ['tea', 'scone'], note: 'ünïcode ✓', nested: { ok: true, none: null } };
  const posted = await requestJson(port, 'POST', '/echo', sent);
  expect(posted.status).toBe(201);
  expect(posted.body.received).toEqual(sent);
  expect(pids).toContain(posted.body.worker.pid);

  const greeted = await requestJson(port, 'GET', `/greet/${encodeURIComponent('Ada Lovelace')}`);
  expect(greeted.status).toBe(200);
  expect(greeted.body.greeting).toBe('hello, Ada Lovelace');

  const files = await requestJson(port, 'GET', '/files/docs/2026/report.txt');
  expect(files.body.segments).toEqual(['docs', '2026', 'report.txt']);
}
