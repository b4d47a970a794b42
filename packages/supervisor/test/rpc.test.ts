// Typed RPC end to end with real workers, both ways: results, timeouts, cancellation, remote errors with their
// message and code, and every pending call rejecting when its worker exits.
import { describe, expect, it } from 'vitest';
import { get } from '../../../tools/test-support/index.js';
import { command, freePort, startSupervised } from './support.js';

type Outcome = {
  value?: unknown;
  error?: { message: string; code: string; remote?: Record<string, unknown> };
};

/** The app (GET /rpc) calls the primary and answers with what came back. */
async function fromWorker(port: number, method: string, params: unknown, query = ''): Promise<Outcome> {
  const reply = await get(
    port,
    `/rpc?method=${method}&params=${encodeURIComponent(JSON.stringify(params))}${query}`,
  );
  expect(reply.status).toBe(200);
  return JSON.parse(reply.body) as Outcome;
}

async function startRpc(workers = 1) {
  const port = await freePort();
  const primary = startSupervised({ workers, env: { PORT: String(port), APP_RPC: '1' } });
  await primary.waitForEvent('all-ready');
  return { port, primary };
}

describe('worker → primary', () => {
  it("answers with the primary's handler", async () => {
    const { port } = await startRpc();
    expect(await fromWorker(port, 'primary.add', { a: 2, b: 40 })).toEqual({ value: 42 });
  });

  it('rejects with SHOAL_ERR_REQUEST_TIMEOUT after timeoutMs', async () => {
    const { port } = await startRpc();
    const started = Date.now();
    const outcome = await fromWorker(port, 'primary.slow', { ms: 10_000 }, '&timeoutMs=150');
    expect(outcome.error).toMatchObject({ code: 'SHOAL_ERR_REQUEST_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects with SHOAL_ERR_REQUEST_CANCELLED when its AbortSignal aborts', async () => {
    const { port } = await startRpc();
    const outcome = await fromWorker(port, 'primary.slow', { ms: 10_000 }, '&abort=1');
    expect(outcome.error).toMatchObject({ code: 'SHOAL_ERR_REQUEST_CANCELLED' });
  });

  it("carries the primary's error message and code", async () => {
    const { port } = await startRpc();
    const outcome = await fromWorker(port, 'primary.fail', { message: 'no such account' });
    expect(outcome.error).toMatchObject({
      code: 'SHOAL_ERR_RPC_REMOTE',
      message: expect.stringContaining('no such account'),
      remote: { message: 'no such account', code: 'E_PRIMARY' },
    });
  });

  it('an unknown method rejects as a remote SHOAL_ERR_RPC_UNKNOWN_METHOD', async () => {
    const { port } = await startRpc();
    const outcome = await fromWorker(port, 'primary.none', {});
    expect(outcome.error).toMatchObject({
      code: 'SHOAL_ERR_RPC_REMOTE',
      remote: { code: 'SHOAL_ERR_RPC_UNKNOWN_METHOD' },
    });
  });
});

describe('primary → worker', () => {
  it("answers with the app's handler, on the worker asked", async () => {
    const { primary } = await startRpc(2);
    expect(
      (await command(primary, { do: 'request', index: 1, method: 'app.echo', params: { n: 7 } })).value,
    ).toEqual({ n: 7 });
    const { results } = await command(primary, { do: 'broadcast', method: 'app.echo', params: 'hi' });
    expect(results).toMatchObject([
      { index: 0, ok: true, value: 'hi' },
      { index: 1, ok: true, value: 'hi' },
    ]);
  });

  it('rejects with SHOAL_ERR_REQUEST_TIMEOUT after timeoutMs', async () => {
    const { primary } = await startRpc();
    const { error } = await command(primary, {
      do: 'request',
      index: 0,
      method: 'app.slowEcho',
      params: { ms: 10_000, text: 'late' },
      options: { timeoutMs: 150 },
    });
    expect(error).toMatchObject({ code: 'SHOAL_ERR_REQUEST_TIMEOUT' });
  });

  it('rejects with SHOAL_ERR_REQUEST_CANCELLED when its AbortSignal aborts', async () => {
    const { primary } = await startRpc();
    const { error } = await command(primary, {
      do: 'request',
      index: 0,
      method: 'app.slowEcho',
      params: { ms: 10_000, text: 'never' },
      abort: true,
    });
    expect(error).toMatchObject({ code: 'SHOAL_ERR_REQUEST_CANCELLED' });
  });

  it("carries the app's error message and code, per worker in a broadcast too", async () => {
    const { primary } = await startRpc(2);
    const { error } = await command(primary, {
      do: 'request',
      index: 0,
      method: 'app.fail',
      params: { message: 'bad input' },
    });
    expect(error).toMatchObject({
      code: 'SHOAL_ERR_RPC_REMOTE',
      message: expect.stringContaining('bad input'),
      remote: { message: 'bad input', code: 'E_APP' },
    });
    const { results } = await command(primary, {
      do: 'broadcast',
      method: 'app.fail',
      params: { message: 'bad' },
    });
    expect(results).toMatchObject([
      { index: 0, ok: false, error: { code: 'SHOAL_ERR_RPC_REMOTE' } },
      { index: 1, ok: false, error: { code: 'SHOAL_ERR_RPC_REMOTE' } },
    ]);
  });

  it('every pending call rejects when its worker exits; the other worker is unaffected', async () => {
    const { primary } = await startRpc(2);
    const slowCall = (id: string, index: number, text: string) =>
      primary.send({
        id,
        do: 'request',
        index,
        method: 'app.slowEcho',
        params: { ms: 2_000, text },
        options: { timeoutMs: 20_000 },
      });
    slowCall('a', 1, 'one');
    slowCall('b', 1, 'two');
    slowCall('c', 0, 'other');
    await primary.waitForEvent('app-slow-echo', { index: 1, text: 'one' });
    await primary.waitForEvent('app-slow-echo', { index: 1, text: 'two' });
    await primary.waitForEvent('app-slow-echo', { index: 0, text: 'other' });
    const { killed } = await command(primary, { do: 'kill', index: 1 });
    await primary.waitForEvent('worker-exit', { workerPid: killed });
    // Well before the calls' own 20 s timeout, and before the slow handler would have answered.
    const [a, b] = await Promise.all([
      primary.waitForEvent('reply', { id: 'a' }, 1_500),
      primary.waitForEvent('reply', { id: 'b' }, 1_500),
    ]);
    for (const reply of [a, b]) expect(reply.error).toMatchObject({ code: 'SHOAL_ERR_CHANNEL_CLOSED' });
    expect(primary.named('reply').some((r) => r.id === 'c')).toBe(false);
    expect((await primary.waitForEvent('reply', { id: 'c' }, 10_000)).value).toBe('other');
  });
});
