// whoami.js: cluster.worker, cluster.isPrimary, cluster.isWorker and cluster.isMaster.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, only, startExample } from './support.js';

describe('whoami.js (cluster.worker, isPrimary, isWorker)', () => {
  it('tells the primary from its workers, each of which finds its own Worker object', async () => {
    const app = startExample('whoami.js', { WORKERS: '2' });
    await app.waitForCount('worker', 2);
    await expectCleanExit(app);

    expect(only(app, 'primary')).toMatchObject({
      pid: app.child.pid,
      isPrimary: true,
      isWorker: false,
      isMaster: true,
      hasWorkerObject: false,
    });
    for (const forked of app.named('forked')) {
      expect(only(app, 'worker', { pid: forked.workerPid })).toMatchObject({
        id: forked.id,
        isPrimary: false,
        isWorker: true,
        isMaster: false,
        hasWorkerObject: true,
        ownProcess: true,
      });
      expect(app.output).toContain(`this process is worker #${forked.id}`);
    }
    expect(app.named('forked').map((event) => event.id)).toEqual([1, 2]);
    expect(app.output).toContain('this process is the primary');
  });
});
