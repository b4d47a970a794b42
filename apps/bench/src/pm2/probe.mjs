// When is every worker serving? Requests on new connections to the app's port until `count` distinct worker pids
// (the plain app's x-pid header) have answered: the same criterion for Shoal and for PM2, whatever each reports.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

function askPid(port) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200 ? response.headers['x-pid'] : undefined));
    });
    request.on('error', () => resolve(undefined));
    request.setTimeout(2_000, () => request.destroy());
  });
}

/** Resolves with performance.now() when `count` distinct pids have answered; rejects after `timeoutMs`. */
export async function everyWorkerAnswers(port, count, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  const seen = new Set();
  while (seen.size < count) {
    if (performance.now() > deadline)
      throw new Error(
        `only ${seen.size} of ${count} workers answered on port ${port} within ${timeoutMs} ms`,
      );
    const pid = await askPid(port);
    // Nothing listens yet: try again shortly (a 2 ms step bounds the timing error without spinning a core).
    if (pid === undefined) await sleep(2);
    else seen.add(pid);
  }
  return performance.now();
}

/** One GET to a URL; resolves with the body's length (the metrics scrape). */
export function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        let length = 0;
        response.on('data', (chunk) => {
          length += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode, length }));
      })
      .on('error', reject);
  });
}
