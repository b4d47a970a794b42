// strategyFactory: every kind of spec, checked once at creation, giving one instance per call.
import { describe, expect, it } from 'vitest';
import {
  type ConnectionInfo,
  ConsistentHashStrategy,
  Dispatcher,
  LeastConnectionsStrategy,
  PowerOfTwoStrategy,
  resolveStrategy,
  type Strategy,
  strategyFactory,
  strategyNames,
  type WorkerView,
} from '../src/index.js';
import { view } from './helpers/harness.js';

const handOff = (): void => {};
const close = (): void => {};

function codeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
}

class FirstWorker implements Strategy {
  static created = 0;
  readonly name = 'first-worker';
  constructor() {
    FirstWorker.created++;
  }
  pick(_connection: ConnectionInfo, workers: readonly WorkerView[]): WorkerView | undefined {
    return workers[0];
  }
}

describe('strategyFactory', () => {
  it('gives a new built-in instance per call for every name, alias and policy number', () => {
    for (const spec of [...strategyNames, 'rr', 'none', 'SCHED_RR', 'SCHED_NONE', 1, 2]) {
      const create = strategyFactory(spec);
      const first = create();
      const second = create();
      expect(second).not.toBe(first);
      expect(second.constructor).toBe(first.constructor);
      expect(second.name).toBe(first.name);
    }
  });

  it('passes options to every instance, copied at creation, and checks them at once', () => {
    const options = { random: () => 0 };
    const create = strategyFactory('power-of-two', options);
    options.random = () => 0.99;
    const a = view(1, { slot: 0 });
    const b = view(2, { slot: 1 });
    const c = view(3, { slot: 2 });
    for (const strategy of [create(), create()]) {
      expect(strategy).toBeInstanceOf(PowerOfTwoStrategy);
      expect(strategy.pick({ key: 'k' }, [a, b, c])).toBe(a);
    }
    expect(codeOf(() => strategyFactory('consistent-hash', { epsilon: -1 }))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => strategyFactory('rr', null as never))).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('throws what resolveStrategy throws for an invalid spec, at creation', () => {
    expect(codeOf(() => strategyFactory('fastest'))).toBe('SHOAL_ERR_UNKNOWN_STRATEGY');
    expect(codeOf(() => strategyFactory(3))).toBe('SHOAL_ERR_UNKNOWN_STRATEGY');
    expect(codeOf(() => strategyFactory(null as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => strategyFactory(true as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => strategyFactory({ name: 'x' } as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => strategyFactory({ name: 'x', mode: 'kernel', pick: () => undefined } as never))).toBe(
      'ERR_INVALID_ARG_VALUE',
    );
    expect(
      codeOf(() => strategyFactory({ name: 'x', needsLoad: 'yes', pick: () => undefined } as never)),
    ).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('constructs a class once per call, the one built to check it first', () => {
    FirstWorker.created = 0;
    const create = strategyFactory(FirstWorker);
    expect(FirstWorker.created).toBe(1);
    const first = create();
    expect(FirstWorker.created).toBe(1);
    const second = create();
    expect(FirstWorker.created).toBe(2);
    expect(first).toBeInstanceOf(FirstWorker);
    expect(second).toBeInstanceOf(FirstWorker);
    expect(second).not.toBe(first);
  });

  it('takes a constructor function with pick on its prototype for a class, whatever its length', () => {
    function OldStyle(this: { name: string }, _unused?: unknown) {
      this.name = 'old-style';
    }
    OldStyle.prototype.pick = (_c: ConnectionInfo, workers: readonly WorkerView[]) => workers[0];
    const create = strategyFactory(OldStyle as never);
    const strategy = create();
    expect(strategy).toBeInstanceOf(OldStyle);
    expect(strategy.name).toBe('old-style');
    expect(create()).not.toBe(strategy);
  });

  it('takes any class for a class, and reports one that builds no strategy at creation', () => {
    class Nameless {
      pick = (): undefined => undefined;
    }
    let error: unknown;
    try {
      strategyFactory(Nameless as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_RETURN_VALUE' });
    expect((error as Error).message).toContain('the "Nameless" strategy class');
    expect((error as Error).message).toContain('strategy.name');
    expect((error as Error).stack).toMatch(/^TypeError \[ERR_INVALID_RETURN_VALUE\]: /);
    expect((error as Error).cause).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('calls a factory once at creation to check it, that instance first, then once per call', () => {
    let calls = 0;
    const makeFirstWorker = (): Strategy => {
      calls++;
      return new FirstWorker();
    };
    const create = strategyFactory(makeFirstWorker);
    expect(calls).toBe(1);
    const first = create();
    const second = create();
    expect(calls).toBe(2);
    expect(first).toBeInstanceOf(FirstWorker);
    expect(second).not.toBe(first);
  });

  it('reports a factory that returns no strategy at creation, naming it', () => {
    for (const returned of [undefined, 42, { name: 'x' }, { pick: () => undefined }]) {
      let calls = 0;
      const makeBroken = (): Strategy => {
        calls++;
        return returned as never;
      };
      let error: unknown;
      try {
        strategyFactory(makeBroken);
      } catch (caught) {
        error = caught;
      }
      expect(calls).toBe(1);
      expect(error).toMatchObject({ code: 'ERR_INVALID_RETURN_VALUE', name: 'TypeError' });
      expect((error as Error).message).toContain('the "makeBroken" strategy factory');
    }
    // A rest-parameter pick function declares no parameters: taken for a factory, with a hint.
    const restPick = (...args: unknown[]) => (args[1] as WorkerView[] | undefined)?.[0];
    expect(() => strategyFactory(restPick as never)).toThrow(/pick function must declare them/);
  });

  it('lets what a factory or class throws propagate at creation', () => {
    const boom = new Error('no strategy today');
    expect(() =>
      strategyFactory(() => {
        throw boom;
      }),
    ).toThrow(boom);
  });

  it('wraps a pick function in a new object per call, named after it', () => {
    function firstOffered(_connection: ConnectionInfo, workers: readonly WorkerView[]) {
      return workers[0];
    }
    const create = strategyFactory(firstOffered);
    const first = create();
    const second = create();
    expect(first).toStrictEqual({ name: 'firstOffered', pick: firstOffered });
    expect(second).toStrictEqual(first);
    expect(second).not.toBe(first);
    expect(strategyFactory((_connection: ConnectionInfo) => undefined)().name).toBe('custom');
    expect(first.needsLoad).toBeUndefined();
  });

  it('gives the same strategy object on every call (shared by every listen key)', () => {
    const shared: Strategy = { name: 'mine', pick: () => undefined };
    const create = strategyFactory(shared);
    expect(create()).toBe(shared);
    expect(create()).toBe(shared);
  });

  it('is what resolveStrategy and the Dispatcher use', () => {
    FirstWorker.created = 0;
    expect(resolveStrategy(FirstWorker)).toBeInstanceOf(FirstWorker);
    expect(FirstWorker.created).toBe(1);
    const dispatcher = new Dispatcher({ strategy: FirstWorker, handOff, close });
    expect(dispatcher.strategy).toBeInstanceOf(FirstWorker);
    expect(FirstWorker.created).toBe(2);
    const fromFactory = new Dispatcher({ strategy: () => new LeastConnectionsStrategy(), handOff, close });
    expect(fromFactory.strategy).toBeInstanceOf(LeastConnectionsStrategy);
    expect(() => new Dispatcher({ strategy: (() => 5) as never, handOff, close })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_RETURN_VALUE' }),
    );
  });
});

describe('needsLoad', () => {
  it('is true exactly for the built-ins whose decisions read reported load', () => {
    const needsLoad = Object.fromEntries(
      strategyNames.map((name) => [name, resolveStrategy(name).needsLoad]),
    );
    expect(needsLoad).toEqual({
      'round-robin': undefined,
      shared: undefined,
      'least-connections': true,
      'power-of-two': true,
      'weighted-round-robin': undefined,
      'consistent-hash': true,
      reuseport: undefined,
    });
    expect(new ConsistentHashStrategy({ needsPeer: false }).needsLoad).toBe(true);
  });

  it('is kept from a strategy object and absent from a wrapped pick function', () => {
    const object: Strategy = { name: 'reads-load', needsLoad: true, pick: (_c, workers) => workers[0] };
    expect(resolveStrategy(object).needsLoad).toBe(true);
    expect(
      resolveStrategy((_c: ConnectionInfo, workers: readonly WorkerView[]) => workers[0]).needsLoad,
    ).toBe(undefined);
  });
});
