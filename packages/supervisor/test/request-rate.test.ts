// A worker's request rate, derived from the running request count its metrics reports carry.
import type { Worker } from '@shoal/primary';
import { describe, expect, it } from 'vitest';
import { SupervisedWorker } from '../src/driver/supervised-worker.js';

const worker = { process: { pid: 1 } } as unknown as Worker;

describe('request rate', () => {
  it('is the requests between two reports over the time between them', () => {
    const record = new SupervisedWorker(0, worker, undefined, 0, false);
    record.takeMetrics({ requestsTotal: 100 }, 1_000);
    expect(record.requestsPerSecond).toBeUndefined();
    record.takeMetrics({ requestsTotal: 350 }, 1_500);
    expect(record.requestsPerSecond).toBe(500);
    record.takeMetrics({ requestsTotal: 350 }, 2_000);
    expect(record.requestsPerSecond).toBe(0);
  });

  it('ignores reports without a count, and a count that went backwards (a new runtime)', () => {
    const record = new SupervisedWorker(0, worker, undefined, 0, false);
    record.takeMetrics({ rss: 1 }, 1_000);
    record.takeMetrics({ requestsTotal: 10 }, 2_000);
    record.takeMetrics({ requestsTotal: 5 }, 3_000);
    expect(record.requestsPerSecond).toBeUndefined();
    record.takeMetrics({ requestsTotal: 25 }, 4_000);
    expect(record.requestsPerSecond).toBe(20);
  });
});
