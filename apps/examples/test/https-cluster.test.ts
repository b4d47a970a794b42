// The HTTPS example with real TLS clients that verify the certificate: several workers answer on one port, a
// client that does not trust the certificate is refused, and a TLS session issued by one worker resumes on
// another (the cluster shares the first worker's ticket keys), with round robin and with reuseport.
import https from 'node:https';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { expectCleanExit, startExample } from './support.js';
import { makeCertificate } from './tls-files.js';

interface Answer {
  worker: { pid: number; id: number };
  tls: string;
  resumed: boolean;
}

/**
 * One request on a new TLS connection (offering `session` to resume), resolving with the answer and, with
 * `keepTicket`, the session the server then issued.
 */
async function request(
  port: number,
  ca: string | undefined,
  { session, keepTicket = false }: { session?: Buffer; keepTicket?: boolean } = {},
): Promise<{ answer: Answer; session: Buffer | undefined }> {
  let onSession = (_session: Buffer): void => {};
  // TLS 1.3 sends its tickets after the handshake; the first one may come after the answer.
  const ticket = keepTicket
    ? new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no TLS session ticket within 5 s')), 5_000);
        onSession = (given) => {
          clearTimeout(timer);
          resolve(given);
        };
      })
    : undefined;
  ticket?.catch(() => {}); // awaited below, once the answer is in
  // https passes `session` on to tls.connect(); its type leaves it out.
  const options: https.RequestOptions & Pick<ConnectionOptions, 'session'> = {
    host: '127.0.0.1',
    port,
    ca,
    session,
    agent: false,
    timeout: 10_000,
  };
  const answer = await new Promise<Answer>((resolve, reject) => {
    const req = https.get(options, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve(JSON.parse(text) as Answer));
    });
    req.on('socket', (socket) => (socket as TLSSocket).once('session', onSession));
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
  return { answer, session: await ticket };
}

async function start(
  env: Record<string, string>,
): Promise<{ port: number; pids: Set<number> } & { stop(): Promise<void> }> {
  const app = startExample('https-cluster.js', { WORKERS: '2', ...env });
  const listening = await app.waitForCount('listening', 2);
  return {
    port: listening[0]!.port as number,
    pids: new Set(listening.map((event) => event.workerPid as number)),
    async stop() {
      app.child.kill('SIGTERM');
      await expectCleanExit(app);
    },
  };
}

describe('https-cluster example', () => {
  it('answers from every worker over verified TLS, refuses an untrusting client, and stops cleanly', async () => {
    const tls = await makeCertificate();
    const { port, pids, stop } = await start(tls.env);
    const seen = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const { answer } = await request(port, tls.cert);
      expect(pids).toContain(answer.worker.pid);
      expect(answer.tls).toBe('TLSv1.3');
      seen.add(answer.worker.pid);
    }
    expect(seen).toEqual(pids);
    await expect(request(port, undefined)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    await stop();
  });

  it.each([
    ['round robin', {}],
    ['reuseport', { NODE_CLUSTER_SCHED_POLICY: 'reuseport' }],
  ])('resumes a TLS session on a worker other than the one that issued it (%s)', async (_name, policy) => {
    const tls = await makeCertificate();
    const { port, stop } = await start({ ...tls.env, ...policy });
    const first = await request(port, tls.cert, { keepTicket: true });
    expect(first.answer.resumed).toBe(false);
    // Round robin takes the next connection to the other worker; with reuseport the kernel picks, so try more.
    let elsewhere: Answer | undefined;
    for (let i = 0; i < 30 && elsewhere === undefined; i++) {
      const next = await request(port, tls.cert, { session: first.session });
      if (next.answer.worker.pid !== first.answer.worker.pid) elsewhere = next.answer;
    }
    expect(elsewhere, 'no connection reached the other worker').toBeDefined();
    expect(elsewhere!.resumed).toBe(true);
    await stop();
  });
});
