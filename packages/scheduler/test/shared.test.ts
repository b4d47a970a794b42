import { describe, expect, it } from 'vitest';
import {
  Dispatcher,
  SharedStrategy,
  SharedStrategyError,
  ShoalSchedulerError,
  type Strategy,
} from '../src/index.js';
import { view } from './helpers/harness.js';

describe('shared', () => {
  it('marks the kernel-distributed mode and never picks', () => {
    const strategy = new SharedStrategy();
    expect(strategy).toMatchObject({ name: 'shared', mode: 'shared' });
    expect((strategy as Strategy).needsPeer).toBeUndefined();
    let error: unknown;
    try {
      strategy.pick({ key: 's' }, [view(1)]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SharedStrategyError);
    expect(error).toBeInstanceOf(ShoalSchedulerError);
    expect(error).toMatchObject({ code: 'SHOAL_ERR_SHARED_STRATEGY' });
  });

  it('cannot drive a Dispatcher, by name or as an object', () => {
    for (const strategy of ['shared', 'none', 1, new SharedStrategy()]) {
      expect(() => new Dispatcher({ strategy, handOff: () => {}, close: () => {} })).toThrow(
        SharedStrategyError,
      );
    }
  });
});
