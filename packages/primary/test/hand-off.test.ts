// HandOff against fake workers and fake client handles: routing, answers, retiring and re-routing, what the
// strategy is shown, and the counters and diagnostics events that record it.
import { RoundRobinStrategy, WeightedRoundRobinStrategy } from '@shoal/scheduler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { channelNames } from '../src/diagnostics.js';
import { HandOff } from '../src/hand-off.js';
import { FakeMember, fakeClient, recordChannel, recordingStrategy } from './fakes.js';

const key = '127.0.0.1:8000:4:undefined';
const recorders: Array<{ stop(): void }> = [];
afterEach(() => {
  for (const recorder of recorders.splice(0)) recorder.stop();
});
function record<T = Record<string, unknown>>(name: string): T[] {
  const recorder = recordChannel<T>(name);
  recorders.push(recorder);
  return recorder.events;
}

describe('HandOff', () => {
  it('hands a connection to a worker and closes the primary copy once it is accepted', () => {
    const handoffs = record(channelNames.handoff);
    const settled = record(channelNames.settled);
    const handOff = new HandOff(key, new RoundRobinStrategy(), () => {});
    const worker = new FakeMember(1, 'hold');
    handOff.addWorker(worker);
    const client = fakeClient();
    handOff.route(client);
    expect(worker.offers).toHaveLength(1);
    expect(worker.offers[0]).toMatchObject({ key, client });
    expect(handoffs).toEqual([{ key, workerId: 1 }]);
    // Not closed while the worker has not answered: it may still refuse.
    expect(client.close).not.toHaveBeenCalled();
    expect(handOff.counters()).toMatchObject({ queued: 0, inFlight: 1, handedOut: 1, accepted: 0 });
    expect(handOff.pendingFor(1)).toBe(1);
    worker.answerNext(true);
    expect(client.close).toHaveBeenCalledTimes(1);
    expect(settled).toEqual([{ key, workerId: 1, accepted: true }]);
    expect(handOff.counters()).toEqual({
      queued: 0,
      inFlight: 0,
      handedOut: 1,
      accepted: 1,
      refused: 0,
      rerouted: 0,
      closedUnserved: 0,
      sockets: 0,
      orphans: 0,
    });
  });

  it('re-routes a refused connection to another worker, which serves it', () => {
    const refusals = record(channelNames.refusal);
    const handOff = new HandOff(key, new RoundRobinStrategy(), () => {});
    const first = new FakeMember(1, false);
    const second = new FakeMember(2, true);
    handOff.addWorker(first);
    handOff.addWorker(second);
    const client = fakeClient();
    handOff.route(client);
    expect(first.offers.map((offer) => offer.client)).toEqual([client]);
    expect(second.offers.map((offer) => offer.client)).toEqual([client]);
    expect(refusals).toEqual([{ key, workerId: 1 }]);
    expect(client.close).toHaveBeenCalledTimes(1);
    expect(handOff.counters()).toMatchObject({ handedOut: 2, accepted: 1, refused: 1, closedUnserved: 0 });
  });

  it('closes a connection unserved once every worker refused it', () => {
    const closed = record(channelNames.closedUnserved);
    const handOff = new HandOff(key, new RoundRobinStrategy(), () => {});
    const first = new FakeMember(1, false);
    const second = new FakeMember(2, false);
    handOff.addWorker(first);
    handOff.addWorker(second);
    const client = fakeClient();
    handOff.route(client);
    expect(first.offers).toHaveLength(1);
    expect(second.offers).toHaveLength(1);
    expect(client.close).toHaveBeenCalledTimes(1);
    expect(closed).toEqual([{ key, count: 1, reason: 'refused-by-all' }]);
    expect(handOff.counters()).toMatchObject({
      queued: 0,
      inFlight: 0,
      handedOut: 2,
      accepted: 0,
      refused: 2,
      closedUnserved: 1,
    });
  });

  it('retires a connected worker removed with hand-offs in flight: nothing new, dropped once it answered', () => {
    const onForgotten = vi.fn();
    const handOff = new HandOff(key, recordingStrategy(), onForgotten);
    const leaving = new FakeMember(1, 'hold');
    const staying = new FakeMember(2, true);
    handOff.addWorker(leaving);
    handOff.addWorker(staying);
    const first = fakeClient();
    const second = fakeClient();
    handOff.route(first);
    handOff.route(second);
    expect(leaving.offers).toHaveLength(2); // the recording strategy always picks the first worker

    expect(handOff.removeWorker(leaving)).toBe(false);
    expect(handOff.has(leaving)).toBe(false);
    expect(handOff.knows(leaving)).toBe(true);
    expect(handOff.active).toBe(1);
    expect(handOff.activeIds()).toEqual([2]);

    const third = fakeClient();
    handOff.route(third);
    expect(leaving.offers).toHaveLength(2);
    expect(staying.offers.map((offer) => offer.client)).toEqual([third]);

    leaving.answerNext(true);
    expect(onForgotten).not.toHaveBeenCalled();
    expect(handOff.knows(leaving)).toBe(true);
    // A refusal from a retiring worker still goes to another worker.
    leaving.answerNext(false);
    expect(staying.offers.map((offer) => offer.client)).toEqual([third, second]);
    expect(onForgotten).toHaveBeenCalledTimes(1);
    expect(handOff.knows(leaving)).toBe(false);
    expect(first.close).toHaveBeenCalledTimes(1);
    expect(second.close).toHaveBeenCalledTimes(1);
    expect(handOff.counters()).toMatchObject({
      inFlight: 0,
      handedOut: 4,
      accepted: 3,
      refused: 1,
      rerouted: 0,
      closedUnserved: 0,
    });
  });

  it('a retiring worker that listens again is simply back', () => {
    const onForgotten = vi.fn();
    const handOff = new HandOff(key, recordingStrategy(), onForgotten);
    const worker = new FakeMember(1, 'hold');
    handOff.addWorker(worker);
    handOff.route(fakeClient());
    expect(handOff.removeWorker(worker)).toBe(false);
    expect(handOff.active).toBe(0);
    handOff.addWorker(worker);
    expect(handOff.has(worker)).toBe(true);
    worker.answerNext(true);
    expect(onForgotten).not.toHaveBeenCalled();
    handOff.route(fakeClient());
    expect(worker.offers).toHaveLength(2);
  });

  it('re-routes the hand-offs of a worker removed after its channel closed', () => {
    const reroutes = record(channelNames.reroute);
    const onForgotten = vi.fn();
    const handOff = new HandOff(key, recordingStrategy(), onForgotten);
    const gone = new FakeMember(1, 'hold');
    const staying = new FakeMember(2, true);
    handOff.addWorker(gone);
    handOff.addWorker(staying);
    const first = fakeClient();
    const second = fakeClient();
    handOff.route(first);
    handOff.route(second);
    expect(gone.offers).toHaveLength(2);
    expect(staying.offers).toHaveLength(0);

    gone.connected = false;
    expect(handOff.removeWorker(gone)).toBe(true);
    expect(handOff.knows(gone)).toBe(false);
    expect(staying.offers.map((offer) => offer.client)).toEqual([first, second]);
    expect(reroutes).toEqual([{ key, workerId: 1, count: 2 }]);
    expect(onForgotten).not.toHaveBeenCalled();
    expect(handOff.counters()).toMatchObject({ inFlight: 0, handedOut: 4, accepted: 2, rerouted: 2 });
    expect(handOff.removeWorker(gone)).toBe(false);
  });

  it('drops at once a worker removed with nothing in flight', () => {
    const handOff = new HandOff(key, new RoundRobinStrategy(), () => {});
    const worker = new FakeMember(1);
    handOff.addWorker(worker);
    expect(handOff.removeWorker(worker)).toBe(true);
    expect(handOff.knows(worker)).toBe(false);
    expect(handOff.active).toBe(0);
  });

  it('queues connections while no worker can take one, and closeQueued closes them as key-closed', () => {
    const closed = record(channelNames.closedUnserved);
    const handOff = new HandOff(key, new RoundRobinStrategy(), () => {});
    const clients = [fakeClient(), fakeClient(), fakeClient()];
    for (const client of clients) handOff.route(client);
    expect(handOff.counters()).toMatchObject({ queued: 3, handedOut: 0 });
    handOff.closeQueued();
    for (const client of clients) expect(client.close).toHaveBeenCalledTimes(1);
    expect(closed).toEqual([{ key, count: 3, reason: 'key-closed' }]);
    expect(handOff.counters()).toMatchObject({ queued: 0, closedUnserved: 3 });
    handOff.closeQueued(); // nothing left: no event
    expect(closed).toHaveLength(1);
  });

  it('shows the strategy the key and localPort, one frozen description when it needs no peer', () => {
    const strategy = recordingStrategy();
    const handOff = new HandOff(key, strategy, () => {}, { localPort: 8000 });
    handOff.addWorker(new FakeMember(1));
    const peerful = fakeClient({ address: '127.0.0.1', port: 50000 });
    handOff.route(peerful);
    handOff.route(fakeClient());
    expect(strategy.seen).toEqual([
      { key, localPort: 8000 },
      { key, localPort: 8000 },
    ]);
    expect(strategy.seen[0]).toBe(strategy.seen[1]);
    expect(Object.isFrozen(strategy.seen[0])).toBe(true);
    handOff.setLocalPort(8001);
    handOff.route(fakeClient());
    expect(strategy.seen[2]).toEqual({ key, localPort: 8001 });
    expect(handOff.strategyName).toBe('recording');
  });

  it('fills remoteAddress and remotePort for a strategy that needsPeer', () => {
    const strategy = recordingStrategy({ needsPeer: true });
    const handOff = new HandOff(key, strategy, () => {}, { localPort: 8000 });
    handOff.addWorker(new FakeMember(1));
    handOff.route(fakeClient({ address: '10.1.2.3', port: 41234 }));
    handOff.route(fakeClient()); // a pipe client has no peer name
    expect(strategy.seen).toEqual([
      { key, localPort: 8000, remoteAddress: '10.1.2.3', remotePort: 41234 },
      { key, localPort: 8000 },
    ]);
    expect(strategy.seen[0]).not.toBe(strategy.seen[1]);
  });

  it('passes weightOf to the dispatcher: weights 3 and 1 give 3:1', () => {
    const weightOf = vi.fn((id: number) => (id === 1 ? 3 : id === 2 ? 1 : undefined));
    const handOff = new HandOff(key, new WeightedRoundRobinStrategy(), () => {}, { weightOf });
    const heavy = new FakeMember(1);
    const light = new FakeMember(2);
    handOff.addWorker(heavy);
    handOff.addWorker(light);
    expect(weightOf.mock.calls).toEqual([[1], [2]]);
    for (let i = 0; i < 40; i++) handOff.route(fakeClient());
    expect(heavy.offers).toHaveLength(30);
    expect(light.offers).toHaveLength(10);
    expect(handOff.counters()).toMatchObject({ handedOut: 40, accepted: 40 });
  });

  it('ignores load reports of workers it does not know', () => {
    const strategy = recordingStrategy();
    const handOff = new HandOff(key, strategy, () => {});
    handOff.addWorker(new FakeMember(1));
    handOff.reportLoad(1, { connections: 4, requests: 2 });
    handOff.reportLoad(9, { connections: 1, requests: 1 });
    expect(strategy.loads).toEqual([{ id: 1, connections: 4, requests: 2 }]);
  });
});
