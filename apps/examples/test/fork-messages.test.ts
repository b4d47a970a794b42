// fork-messages.js: cluster.fork([env]) and the messages of the returned workers.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, get, startExample } from './support.js';

describe('fork-messages.js (cluster.fork([env]))', () => {
  it("passes fork's env to each worker and hears from the worker that answered each request", async () => {
    const app = startExample('fork-messages.js', { WORKERS: '2', REQUESTS: '4' });
    const listening = await app.waitForCount('worker-listening', 2);
    const port = listening[0]!.port as number;
    const labelOfPid = new Map(listening.map((event) => [event.pid as number, event.label as string]));
    expect(new Set(labelOfPid.values())).toEqual(new Set(['worker-1-of-2', 'worker-2-of-2']));

    const answeredBy: number[] = [];
    for (let n = 0; n < 4; n++) {
      const reply = await get(port);
      const pid = Number(reply.headers['x-worker-pid']);
      expect(reply.headers['x-worker-label']).toBe(labelOfPid.get(pid));
      expect(reply.body).toBe(`greetings from ${labelOfPid.get(pid)} (process ${pid})\n`);
      answeredBy.push(pid);
    }
    expect(new Set(answeredBy).size).toBe(2);

    expect((await app.waitForEvent('cluster-disconnected')).received).toBe(4);
    const messages = app.named('message');
    for (const message of messages) {
      // The worker sent its own pid, on the channel of the Worker object the primary forked for it.
      expect(message.message).toBe(message.workerPid);
      expect(message.label).toBe(labelOfPid.get(message.workerPid as number));
    }
    expect(messages.map((message) => message.message as number).sort()).toEqual([...answeredBy].sort());
    await expectCleanExit(app);
  });
});
