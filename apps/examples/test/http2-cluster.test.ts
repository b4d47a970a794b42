// The HTTP/2 example with real `node:http2` client sessions, in cleartext (h2c) and over TLS with a certificate
// the client verifies: a session's concurrent streams are all served by its one worker, several sessions reach
// different workers, and SIGTERM sends a session still open a GOAWAY before the cluster exits.
import { once } from 'node:events';
import http2 from 'node:http2';
import { describe, expect, it } from 'vitest';
import { expectCleanExit, startExample } from './support.js';
import { makeCertificate } from './tls-files.js';

interface Answer {
  worker: { pid: number; id: number };
  stream: number;
  path: string;
}

const timeout = () => AbortSignal.timeout(10_000);

async function open(url: string, ca: string | undefined): Promise<http2.ClientHttp2Session> {
  const session = http2.connect(url, ca === undefined ? {} : { ca });
  await once(session, 'connect', { signal: timeout() });
  return session;
}

function ask(session: http2.ClientHttp2Session, path: string): Promise<{ answer: Answer; header: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path });
    let header = '';
    let text = '';
    stream.on('response', (headers) => {
      header = String(headers['x-worker']);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    stream.on('end', () => resolve({ answer: JSON.parse(text) as Answer, header }));
    stream.on('error', reject);
  });
}

describe.each([
  ['h2c', false],
  ['TLS', true],
])('http2-cluster example (%s)', (_name, secure) => {
  it('serves each session from one worker, spreads sessions over the workers, and sends GOAWAY on SIGTERM', async () => {
    const tls = secure ? await makeCertificate() : undefined;
    const app = startExample('http2-cluster.js', { WORKERS: '2', ...tls?.env });
    const listening = await app.waitForCount('listening', 2);
    const url = `${secure ? 'https' : 'http'}://127.0.0.1:${listening[0]!.port}`;
    const pids = new Set(listening.map((event) => event.workerPid as number));

    // Four sessions, opened one after another so round robin alternates; five concurrent streams on each.
    const sessions: http2.ClientHttp2Session[] = [];
    for (let s = 0; s < 4; s++) sessions.push(await open(url, tls?.cert));
    const served = new Set<number>();
    for (const [s, session] of sessions.entries()) {
      const paths = [1, 2, 3, 4, 5].map((n) => `/session-${s}/stream-${n}`);
      const replies = await Promise.all(paths.map((path) => ask(session, path)));
      expect(replies.map(({ answer }) => answer.path)).toEqual(paths);
      const pid = replies[0]!.answer.worker.pid;
      expect(pids).toContain(pid);
      for (const { answer, header } of replies) {
        expect(answer.worker.pid).toBe(pid);
        expect(header).toBe(String(pid));
      }
      // Client streams take the odd ids in the order they were opened.
      expect(replies.map(({ answer }) => answer.stream)).toEqual([1, 3, 5, 7, 9]);
      served.add(pid);
    }
    expect(served).toEqual(pids);

    for (const session of sessions.slice(1)) session.close();
    await Promise.all(sessions.slice(1).map((session) => once(session, 'close', { signal: timeout() })));
    const goaway = once(sessions[0]!, 'goaway', { signal: timeout() });
    const closed = once(sessions[0]!, 'close', { signal: timeout() });
    app.child.kill('SIGTERM');
    const [code] = (await goaway) as [number];
    expect(code).toBe(http2.constants.NGHTTP2_NO_ERROR);
    await closed;
    await expectCleanExit(app);
    expect(app.named('worker-exit').map((event) => event.code)).toEqual([0, 0]);
  });
});
