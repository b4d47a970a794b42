// A pod's shutdown, locally: `shoal run` with the Deployment's own args and env, under load, then SIGTERM as the
// kubelet sends it once the preStop sleep is over. Readiness, in-flight requests, pooled keep-alive connections,
// the exit code and how long it took.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { resolveOptions } from '../../../packages/supervisor/dist/driver/options.js';
import { freePort, get, ProcessFixture, startLoad } from '../../../tools/test-support/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const shoal = path.join(root, 'packages/cli/dist/bin.js');
// The image's WORKDIR holds what deploy/app holds: the container's `server.js` resolves the same here.
const appDir = path.join(root, 'deploy/app');

interface Container {
  args: string[];
  env?: Array<{ name: string; value: string }>;
}

function deploymentContainer(): Container {
  const text = readFileSync(path.join(root, 'deploy/kubernetes/deployment.yaml'), 'utf8');
  const deployment = parseAllDocuments(text)[0]?.toJS() as {
    spec: { template: { spec: { containers: Container[] } } };
  };
  return deployment.spec.template.spec.containers[0] as Container;
}

/** The Deployment's args with the two values a local run changes: the worker count and where metrics listen. */
function localArgs(args: readonly string[], metricsPort: number): string[] {
  const out = [...args];
  const valueAt = (flag: string): number => {
    const at = out.indexOf(flag);
    if (at === -1) throw new Error(`the Deployment's args have no ${flag}: ${JSON.stringify(args)}`);
    return at + 1;
  };
  // The pod's CPU limit (2) gives `-i max` 2 workers there; here it would be this machine's CPUs.
  out[valueAt('-i')] = '2';
  out[valueAt('--metrics')] = `127.0.0.1:${metricsPort}`;
  return out;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A POST /upload whose body the test finishes when it wants: a request in flight until then. */
function startUpload(port: number) {
  const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/upload', agent: false });
  const failed = new Promise<never>((_, reject) => request.on('error', reject));
  failed.catch(() => {}); // reported through `response` and `body`
  request.write('x'.repeat(1000));
  let ended = false;
  const response = Promise.race([
    new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve)),
    failed,
  ]);
  const body = response.then(
    (message) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        let text = '';
        message.setEncoding('utf8');
        message.on('data', (chunk: string) => {
          text += chunk;
        });
        message.on('end', () => {
          ended = true;
          resolve({ status: message.statusCode ?? 0, text });
        });
        message.on('error', reject);
      }),
  );
  body.catch(() => {});
  return {
    response,
    get ended() {
      return ended;
    },
    finish() {
      request.end('y'.repeat(1000));
      return body;
    },
  };
}

interface PooledResult {
  ok: number;
  /** Answered once `clock.sigtermAt` had passed. */
  okAfterSigterm: number;
  failures: string[];
  /** When the server said `Connection: close` (Date.now()), or undefined if it never did. */
  closedAt: number | undefined;
}

/**
 * A client holding one keep-alive connection, as a pooling client or proxy does, sending back to back until the
 * server answers `Connection: close` (a real one then goes through the Service to another pod).
 */
function pooledClient(
  port: number,
  deadline: number,
  clock: { sigtermAt: number },
): { firstReply: Promise<void>; done: Promise<PooledResult> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const result: PooledResult = { ok: 0, okAfterSigterm: 0, failures: [], closedAt: undefined };
  let replied: () => void = () => {};
  const firstReply = new Promise<void>((resolve) => {
    replied = resolve;
  });
  const once = (): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const request = http.get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response));
        response.on('error', reject);
      });
      request.on('error', reject);
    });
  const done = (async () => {
    try {
      while (Date.now() < deadline) {
        const response = await once().catch((error: NodeJS.ErrnoException) => {
          result.failures.push(`${error.code ?? ''} ${error.message}`);
          return undefined;
        });
        if (response === undefined) break;
        if (response.statusCode === 200) {
          result.ok++;
          if (Date.now() >= clock.sigtermAt) result.okAfterSigterm++;
        } else result.failures.push(`status ${response.statusCode}`);
        replied();
        if (response.headers.connection === 'close') {
          result.closedAt = Date.now();
          break;
        }
      }
      return result;
    } finally {
      replied();
      agent.destroy();
    }
  })();
  return { firstReply, done };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the Deployment under SIGTERM, locally', () => {
  it('readiness turns 503 at once, liveness stays 200, in-flight requests and pooled connections finish, exit 0', async () => {
    const container = deploymentContainer();
    const [port, metricsPort] = [await freePort(), await freePort()];
    const controlDir = mkdtempSync(path.join(os.tmpdir(), 'shoal-k8s-'));
    dirs.push(controlDir);
    const env: Record<string, string> = {};
    for (const variable of container.env ?? []) env[variable.name] = variable.value;
    const run = ProcessFixture.start(shoal, {
      args: localArgs(container.args, metricsPort),
      cwd: appDir,
      env: { ...env, PORT: String(port), XDG_RUNTIME_DIR: controlDir },
      stderrEvents: true,
    });
    await run.waitForEvent('metrics', { port: metricsPort });
    await run.waitForEvent('ready', { workers: 2 });
    expect((await get(metricsPort, '/readyz')).status).toBe(200);
    expect((await get(metricsPort, '/livez')).status).toBe(200);

    // The preStop sleep: Shoal is told nothing and serves a steady load (new connections and keep-alive ones)
    // while the pod leaves the Service's endpoints.
    const load = startLoad({ port, maxMs: 10_000 });
    await within(load.reached(300), 10_000, '300 answers under load');
    // Connections that outlive the endpoints' update: requests in flight, and pooled keep-alive connections.
    const uploads = [startUpload(port), startUpload(port)];
    const inFlight = await within(Promise.all(uploads.map((u) => u.response)), 5_000, 'the uploads to start');
    expect(inFlight.map((response) => response.statusCode)).toEqual([200, 200]);
    const deadline = Date.now() + 10_000;
    const clock = { sigtermAt: Number.POSITIVE_INFINITY };
    const pooled = Array.from({ length: 4 }, () => pooledClient(port, deadline, clock));
    await within(Promise.all(pooled.map((client) => client.firstReply)), 5_000, 'the pooled clients');
    // The endpoints no longer list the pod: no new connections from here on.
    const steady = await load.stop();
    expect(steady.errors).toEqual([]);
    expect(steady.failed).toBe(0);
    expect((await get(metricsPort, '/readyz')).status).toBe(200);

    // The kubelet's SIGTERM.
    const sigtermAt = Date.now();
    clock.sigtermAt = sigtermAt;
    run.child.kill('SIGTERM');
    await run.waitForEvent('shutdown-start', {}, 5_000);
    const readyz = await get(metricsPort, '/readyz');
    expect([readyz.status, readyz.body]).toEqual([503, 'not ready\n']);
    expect((await get(metricsPort, '/livez')).status).toBe(200);

    // The uploads were still in flight through the SIGTERM; the drain lets them finish.
    expect(uploads.map((upload) => upload.ended)).toEqual([false, false]);
    const finished = await within(Promise.all(uploads.map((u) => u.finish())), 5_000, 'the uploads to end');
    expect(finished).toEqual([
      { status: 200, text: 'received 2000 bytes\n' },
      { status: 200, text: 'received 2000 bytes\n' },
    ]);
    // Every pooled connection kept being answered until a response told it `Connection: close`.
    const results = await within(
      Promise.all(pooled.map((client) => client.done)),
      10_000,
      'the pooled clients',
    );
    for (const result of results) {
      expect(result.failures).toEqual([]);
      expect(result.closedAt).toBeGreaterThanOrEqual(sigtermAt);
    }

    const budgetMs = resolveOptions({}).shutdownTimeoutMs;
    expect(await run.waitForExit(budgetMs)).toEqual({ code: 0, signal: null });
    const tookMs = Date.now() - sigtermAt;
    expect(tookMs).toBeLessThan(budgetMs);
    const end = await run.waitForEvent('shutdown-end');
    expect(end).toMatchObject({ graceful: 2, forced: 0 });
    expect(run.named('worker-exit').map((exit) => [exit.code, exit.intended])).toEqual([
      [0, true],
      [0, true],
    ]);
    expect(run.named('restart-scheduled')).toEqual([]);
    console.log(
      `steady load: ${steady.ok} ok, ${steady.failed} failed; pooled after SIGTERM: ${results.map((r) => r.okAfterSigterm).join('/')} ok; ` +
        `SIGTERM to exit 0: ${tookMs} ms (shutdown-end ${end.durationMs} ms)`,
    );
  });
});
