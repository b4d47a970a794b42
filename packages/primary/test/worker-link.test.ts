// WorkerLink over a fake IPC channel: numbering, the newconn message, reply routing, and a closed channel.
import { describe, expect, it, vi } from 'vitest';
import { type IpcChannel, WorkerLink } from '../src/worker-link.js';

/** An IPC channel that records every send and reports success. */
function fakeChannel(): IpcChannel & { connected: boolean; sent: unknown[][] } {
  const sent: unknown[][] = [];
  return {
    connected: true,
    sent,
    send(...args: unknown[]): boolean {
      sent.push(args);
      return true;
    },
  };
}

describe('WorkerLink', () => {
  it('numbers every message, whatever sends it, and passes the handle and onSent through', () => {
    const channel = fakeChannel();
    const link = new WorkerLink(channel);
    const handle = { fake: 'handle' };
    const onSent = vi.fn();
    expect(link.send({ act: 'online' })).toBe(true);
    expect(link.sendNewconn('k', handle, () => {})).toBe(true);
    expect(link.send({ errno: 0, ack: 7 }, handle, onSent)).toBe(true);
    expect(channel.sent).toEqual([
      [{ cmd: 'NODE_CLUSTER', act: 'online', seq: 0 }, undefined],
      [{ cmd: 'NODE_CLUSTER', act: 'newconn', key: 'k', seq: 1 }, handle],
      [{ cmd: 'NODE_CLUSTER', errno: 0, ack: 7, seq: 2 }, handle, undefined, onSent],
    ]);
    // No callback unless one was given: a failed write then surfaces as the child's 'error', as in Node.
    expect(channel.sent[0]).toHaveLength(2);
    expect(channel.sent[1]).toHaveLength(2);
  });

  it('builds newconn with exactly cmd, act, key and seq', () => {
    const channel = fakeChannel();
    const link = new WorkerLink(channel);
    const client = {};
    link.sendNewconn('127.0.0.1:80:4:undefined', client, () => {});
    const [message, handle] = channel.sent[0] as [Record<string, unknown>, unknown];
    expect(Object.keys(message)).toEqual(['cmd', 'act', 'key', 'seq']);
    expect(handle).toBe(client);
    expect(link.awaiting).toBe(1);
  });

  it('routes each ack to the callback of its own newconn, once', () => {
    const link = new WorkerLink(fakeChannel());
    const first = vi.fn();
    const second = vi.fn();
    link.sendNewconn('k', {}, first);
    link.sendNewconn('k', {}, second);
    expect(link.awaiting).toBe(2);
    const replyHandle = { h: 1 };
    const reply = { cmd: 'NODE_CLUSTER', ack: 1, accepted: false };
    expect(link.deliverReply(reply, replyHandle)).toBe(true);
    expect(second).toHaveBeenCalledWith(reply, replyHandle);
    expect(first).not.toHaveBeenCalled();
    expect(link.deliverReply(reply, null)).toBe(false); // answered already
    expect(second).toHaveBeenCalledTimes(1);
    expect(link.deliverReply({ ack: 0 }, null)).toBe(true);
    expect(first).toHaveBeenCalledTimes(1);
    expect(link.awaiting).toBe(0);
  });

  it('tells messages that are not awaited replies apart', () => {
    const link = new WorkerLink(fakeChannel());
    const callback = vi.fn();
    link.sendNewconn('k', {}, callback);
    expect(link.deliverReply({}, null)).toBe(false);
    expect(link.deliverReply({ ack: '0' }, null)).toBe(false);
    expect(link.deliverReply({ ack: 5 }, null)).toBe(false);
    expect(callback).not.toHaveBeenCalled();
    expect(link.awaiting).toBe(1);
  });

  it('clear() forgets awaited replies: a late answer reaches no callback', () => {
    const link = new WorkerLink(fakeChannel());
    const callback = vi.fn();
    link.sendNewconn('k', {}, callback);
    link.clear();
    expect(link.awaiting).toBe(0);
    const lateAnswer = { ack: 0, accepted: true };
    expect(link.deliverReply(lateAnswer, null)).toBe(false);
    expect(callback).not.toHaveBeenCalled();
  });

  it('sends nothing on a closed channel: false, and onSent gets an error (later, not during the call)', async () => {
    const channel = fakeChannel();
    const link = new WorkerLink(channel);
    channel.connected = false;
    const sent = new Promise<Error | null>((resolve) => {
      expect(link.send({ act: 'disconnect' }, undefined, resolve)).toBe(false);
    });
    let settled = false;
    void sent.then(() => {
      settled = true;
    });
    expect(settled).toBe(false);
    const error = await sent;
    expect(error).toBeInstanceOf(Error);
    expect(link.send({ act: 'disconnect' })).toBe(false);
    expect(link.sendNewconn('k', {}, () => {})).toBe(false);
    expect(link.awaiting).toBe(0);
    expect(channel.sent).toEqual([]);
    // Nothing sent consumed a number.
    channel.connected = true;
    link.send({ act: 'online' });
    expect(channel.sent).toEqual([[{ cmd: 'NODE_CLUSTER', act: 'online', seq: 0 }, undefined]]);
  });
});
