import { describe, expect, it } from 'vitest';
import {
  ConsistentHashStrategy,
  LeastConnectionsStrategy,
  PowerOfTwoStrategy,
  ReusePortStrategy,
  RoundRobinStrategy,
  resolveStrategy,
  SCHED_NONE,
  SCHED_RR,
  SharedStrategy,
  ShoalSchedulerError,
  type Strategy,
  strategyAliases,
  strategyNames,
  UnknownStrategyError,
  WeightedRoundRobinStrategy,
} from '../src/index.js';
import { view } from './helpers/harness.js';

describe('resolveStrategy', () => {
  it('knows every built-in strategy by name, with a new instance each time', () => {
    expect(strategyNames).toEqual([
      'round-robin',
      'shared',
      'least-connections',
      'power-of-two',
      'weighted-round-robin',
      'consistent-hash',
      'reuseport',
    ]);
    expect(Object.isFrozen(strategyNames)).toBe(true);
    const classes = [
      RoundRobinStrategy,
      SharedStrategy,
      LeastConnectionsStrategy,
      PowerOfTwoStrategy,
      WeightedRoundRobinStrategy,
      ConsistentHashStrategy,
      ReusePortStrategy,
    ];
    strategyNames.forEach((name, i) => {
      const strategy = resolveStrategy(name);
      expect(strategy).toBeInstanceOf(classes[i] as never);
      expect(strategy.name).toBe(name);
      expect(resolveStrategy(name)).not.toBe(strategy);
    });
  });

  it("takes Node's policy values and names", () => {
    expect(resolveStrategy('rr').name).toBe('round-robin');
    expect(resolveStrategy('none').name).toBe('shared');
    expect(resolveStrategy('SCHED_RR').name).toBe('round-robin');
    expect(resolveStrategy('SCHED_NONE').name).toBe('shared');
    expect(resolveStrategy(SCHED_RR).name).toBe('round-robin');
    expect(resolveStrategy(SCHED_NONE).name).toBe('shared');
    expect([SCHED_NONE, SCHED_RR]).toEqual([1, 2]);
    expect(strategyAliases).toEqual({
      rr: 'round-robin',
      none: 'shared',
      SCHED_RR: 'round-robin',
      SCHED_NONE: 'shared',
    });
  });

  it('marks shared as the kernel-distributed mode and consistent-hash as needing the peer address', () => {
    expect(resolveStrategy('shared').mode).toBe('shared');
    expect(resolveStrategy('round-robin').mode ?? 'handoff').toBe('handoff');
    expect(resolveStrategy('consistent-hash').needsPeer).toBe(true);
    expect(resolveStrategy('round-robin').needsPeer).toBeFalsy();
    expect(() => resolveStrategy('shared').pick({ key: 's' }, [view(1)])).toThrow(
      expect.objectContaining({ code: 'SHOAL_ERR_SHARED_STRATEGY' }),
    );
  });

  it('throws SHOAL_ERR_UNKNOWN_STRATEGY for names it does not know', () => {
    for (const spec of ['fastest', 'Round-Robin', '', 'constructor', '__proto__', 3, 0]) {
      let error: unknown;
      try {
        resolveStrategy(spec);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UnknownStrategyError);
      expect(error).toBeInstanceOf(ShoalSchedulerError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ code: 'SHOAL_ERR_UNKNOWN_STRATEGY', strategy: spec });
      expect((error as Error).message).toContain('least-connections');
    }
  });

  it('passes options to the strategies that read them', () => {
    const strategy = resolveStrategy('power-of-two', { random: () => 0, epsilon: 0.5 });
    const workers = [view(0, { connections: 2 }), view(1, { connections: 1 }), view(2)];
    expect(strategy.pick({ key: 's' }, workers)?.id).toBe(1);
    const hash = resolveStrategy('consistent-hash', { needsPeer: false, maxKeys: 0 });
    expect(hash.needsPeer).toBe(false);
    expect(() => resolveStrategy('consistent-hash', { epsilon: -0.5 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => resolveStrategy('rr', null as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('wraps a function, named after it', () => {
    function firstWorker(_connection: unknown, workers: readonly unknown[]) {
      return workers[0] as never;
    }
    expect(resolveStrategy(firstWorker)).toMatchObject({ name: 'firstWorker', pick: firstWorker });
    expect(resolveStrategy(((_connection: unknown) => undefined) as never).name).toBe('custom');
  });

  it('returns a valid strategy object as is, and rejects invalid ones', () => {
    const custom: Strategy = { name: 'mine', pick: () => undefined };
    expect(resolveStrategy(custom)).toBe(custom);
    expect(() => resolveStrategy(null as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => resolveStrategy(true as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => resolveStrategy({ name: 'x' } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: 'The "strategy.pick" property must be of type function. Received undefined',
      }),
    );
    expect(() => resolveStrategy({ pick: () => undefined } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => resolveStrategy({ name: 'x', mode: 'kernel', pick: () => undefined } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' }),
    );
  });
});

describe('errors', () => {
  it('are recognised across copies of the package by their brand', () => {
    const foreign = Object.defineProperty(
      { code: 'SHOAL_ERR_UNKNOWN_STRATEGY' },
      Symbol.for('shoal.scheduler.error'),
      {
        value: true,
      },
    );
    expect(foreign).toBeInstanceOf(ShoalSchedulerError);
    expect(foreign).toBeInstanceOf(UnknownStrategyError);
    expect({ code: 'SHOAL_ERR_UNKNOWN_STRATEGY' }).not.toBeInstanceOf(ShoalSchedulerError);
    const error = new UnknownStrategyError('x', ['a']);
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('shoal.error')]).toBe(true);
    expect(error.name).toBe('ShoalSchedulerError');
    expect(error.stack).toMatch(/^ShoalSchedulerError: Unknown scheduling strategy 'x'; expected one of a/);
  });

  it('carry Node’s codes and stack headers for invalid arguments', () => {
    let error: unknown;
    try {
      resolveStrategy({ name: 'x', pick: 5 } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).name).toBe('TypeError');
    expect((error as Error).stack).toMatch(
      /^TypeError \[ERR_INVALID_ARG_TYPE\]: The "strategy.pick" property/,
    );
    expect((error as Error).message).toContain('Received type number (5)');
  });
});

describe('reuseport', () => {
  it('is a round robin marked for per-worker SO_REUSEPORT sockets, usable by a dispatcher', () => {
    const strategy = resolveStrategy('reuseport');
    expect(strategy).toMatchObject({ name: 'reuseport', mode: 'reuseport' });
    const a = view(1, { slot: 0 });
    const b = view(2, { slot: 1 });
    expect([strategy.pick({ key: 'k' }, [a, b]), strategy.pick({ key: 'k' }, [a, b])]).toEqual([a, b]);
  });
});
