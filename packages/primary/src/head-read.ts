// Reads the first bytes of an accepted connection in the primary, for a strategy that routes by them: bounded in
// size and time, stopped the moment the strategy's head reader is done, and leaving the connection intact for
// the worker (reading stopped, nothing written, the client's half-close not answered).
import net from 'node:net';
import type { HeadRequest, ProxyInfo } from '@shoal/scheduler';
import type { RawStreamHandle } from './server-handle.js';

export interface HeadRead {
  /** Every byte read, the PROXY header included (the strategy's reader says how long it is). */
  readonly bytes: Buffer;
  readonly routingKey: string | undefined;
  readonly proxy: ProxyInfo | undefined;
  readonly proxyLength: number;
  /** Why reading stopped: the reader was done, or a limit or the client's end forced the answer. */
  readonly reason: 'done' | 'bytes' | 'time' | 'end';
}

/** A head being read; `abort()` closes the connection without answering (its listen socket is closing). */
export interface PendingHead {
  abort(): void;
}

interface ReadableHandle extends RawStreamHandle {
  readStop?(): number;
  reading?: boolean;
}

const empty = Buffer.alloc(0);

/**
 * Reads `client`'s head for `request`, then calls `onRead` with it — or `onFailed` if the connection failed
 * first (reset by the client); the caller closes it.
 * A head that is slow or too long is still routed: `examine` is asked for a final answer at the limit.
 */
export function readHead(
  client: RawStreamHandle,
  request: HeadRequest,
  onRead: (head: HeadRead) => void,
  onFailed: (error: Error | undefined) => void,
): PendingHead {
  const handle = client as ReadableHandle;
  // A stream over the raw handle only to read from it: never written to, and its end is not answered
  // (allowHalfOpen), so the worker inherits the connection exactly as the client left it.
  const options = { handle, readable: true, writable: true, allowHalfOpen: true };
  const socket = new net.Socket(options as net.SocketConstructorOpts);
  let chunks: Buffer[] = [];
  let length = 0;
  let settled = false;
  const examiner = request.open?.() ?? request;

  const stop = (): void => {
    settled = true;
    clearTimeout(timer);
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    socket.removeListener('close', onClose);
    // The stream would start reading again by itself (a readable below its high-water mark asks for more on the
    // next tick): it must never, or bytes meant for the worker are read here and lost.
    (socket as net.Socket & { _read(size: number): void })._read = () => {};
    socket.pause();
    // Reading stops in libuv too: what the client sends next stays in the kernel for the worker.
    if (handle.reading !== false && typeof handle.readStop === 'function') {
      handle.reading = false;
      handle.readStop();
    }
  };
  const finish = (reason: HeadRead['reason']): void => {
    if (settled) return;
    const bytes =
      chunks.length === 1 ? (chunks[0] as Buffer) : chunks.length === 0 ? empty : Buffer.concat(chunks);
    chunks = [];
    const verdict = examiner.examine(bytes, reason !== 'done');
    stop();
    const answer = verdict.done ? verdict : { routingKey: undefined, proxy: undefined, proxyLength: 0 };
    onRead({
      bytes,
      routingKey: answer.routingKey,
      proxy: answer.proxy,
      proxyLength: answer.proxyLength,
      reason,
    });
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= request.maxBytes) {
      finish('bytes');
      return;
    }
    const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    chunks = [bytes];
    if (examiner.examine(bytes, false).done) finish('done');
  };
  // A client that half-closed is still served: the worker reads the same end from the kernel.
  const onEnd = (): void => finish('end');
  const onClose = (): void => fail(undefined);
  const fail = (error: Error | undefined): void => {
    if (settled) return;
    stop();
    onFailed(error);
  };
  // An error after the answer (the worker's side now) is not the primary's to report.
  socket.on('error', (error) => fail(error));
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('close', onClose);
  // A client that is slow to send (or waits for the server to speak first) is routed by what it sent in time.
  const timer = setTimeout(() => finish('time'), request.timeoutMs);
  return {
    abort(): void {
      if (settled) return;
      stop();
      handle.close();
    },
  };
}
