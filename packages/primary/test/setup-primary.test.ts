// setupPrimary() checks Shoal's settings and the strategy once, at setup, with Node's error codes.
import { describe, expect, it } from 'vitest';
import { ClusterPrimary } from '../src/index.js';

describe('setupPrimary', () => {
  it('rejects Shoal settings of the wrong type with ERR_INVALID_ARG_TYPE', () => {
    const primary = new ClusterPrimary();
    expect(() => primary.setupPrimary({ weightOf: 3 as never })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: 'The "options.weightOf" property must be of type function. Received type number (3)',
      }),
    );
    expect(() => primary.setupPrimary({ workerRuntime: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('takes strategyOptions for a built-in strategy, and refuses routeBy without the worker runtime', () => {
    const primary = new ClusterPrimary();
    primary.setupPrimary({ strategy: 'consistent-hash', strategyOptions: { routeBy: ['cookie:sid'] } });
    expect(primary.strategy).toBe('consistent-hash');
    expect(() => primary.setupPrimary({ workerRuntime: false })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() =>
      new ClusterPrimary().setupPrimary({
        strategy: 'consistent-hash',
        strategyOptions: { routeBy: ['x'] as never },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() =>
      new ClusterPrimary().setupPrimary({
        strategy: 'consistent-hash',
        strategyOptions: { routeBy: 'query:sid' },
        workerRuntime: false,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    // Options nothing would read are refused, not ignored: another strategy, no strategy, a misspelt key.
    for (const settings of [
      { strategy: 'round-robin', strategyOptions: { routeBy: ['cookie:sid'] } },
      { strategyOptions: { routeBy: ['cookie:sid'] } },
      { strategy: 'consistent-hash', strategyOptions: { routeby: ['cookie:sid'] } },
      { strategy: () => ({ name: 'mine', pick: () => undefined }), strategyOptions: { epsilon: 1 } },
    ]) {
      expect(() => new ClusterPrimary().setupPrimary(settings as never)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
      );
    }
    expect(() =>
      new ClusterPrimary().setupPrimary({
        strategy: 'least-connections',
        strategyOptions: { routeBy: 'proxy' },
      }),
    ).toThrow("is not an option of the 'least-connections' strategy (it reads: none)");
    expect(() => new ClusterPrimary().setupPrimary({ strategyOptions: 3 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('reports a strategy that names nothing, or a factory that gives no strategy, at setup', () => {
    expect(() => new ClusterPrimary().setupPrimary({ strategy: 'fastest' })).toThrow(
      expect.objectContaining({ code: 'SHOAL_ERR_UNKNOWN_STRATEGY' }),
    );
    const factory = () => ({ name: 'broken' });
    expect(() => new ClusterPrimary().setupPrimary({ strategy: factory as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_RETURN_VALUE' }),
    );
    class NoPick {
      name = 'no-pick';
    }
    expect(() => new ClusterPrimary().setupPrimary({ strategy: NoPick as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_RETURN_VALUE' }),
    );
  });

  it('freezes nothing when setup failed: a later valid setup applies', () => {
    const primary = new ClusterPrimary();
    expect(() => primary.setupPrimary({ strategy: 'fastest' })).toThrow();
    primary.setupPrimary({ strategy: 'least-connections' });
    expect(primary.strategy).toBe('least-connections');
    // Frozen now: a later strategy setting no longer changes what is in force.
    primary.setupPrimary({ strategy: 'round-robin' });
    expect(primary.strategy).toBe('least-connections');
  });

  it('names a class strategy after the instance it makes', () => {
    class Lowest {
      readonly name = 'lowest-id';
      pick(_connection: unknown, workers: readonly { id: number }[]) {
        return workers[0];
      }
    }
    const primary = new ClusterPrimary();
    primary.setupPrimary({ strategy: Lowest as never });
    expect(primary.strategy).toBe('lowest-id');
    expect(primary.inspect()).toEqual({ strategy: 'lowest-id', keys: [], workers: [] });
  });
});
