// What a user may pass as a strategy (names, aliases, objects, pick functions, classes, factories), checked once
// and turned into a source of one strategy instance per listen key.
import { errInvalidArgType, errInvalidArgValue, UnknownStrategyError } from './errors.js';
import { errInvalidReturnValue } from './return-value-error.js';
import { type ConsistentHashOptions, ConsistentHashStrategy } from './strategies/consistent-hash.js';
import { LeastConnectionsStrategy } from './strategies/least-connections.js';
import { type PowerOfTwoOptions, PowerOfTwoStrategy } from './strategies/power-of-two.js';
import { ReusePortStrategy } from './strategies/reuseport.js';
import { RoundRobinStrategy } from './strategies/round-robin.js';
import { SharedStrategy } from './strategies/shared.js';
import { WeightedRoundRobinStrategy } from './strategies/weighted-round-robin.js';
import type { Strategy, StrategyClass, StrategyFactory, StrategyFunction } from './strategy.js';
import { validateObject } from './validate.js';

/** Node's `cluster.SCHED_NONE`: the kernel distributes connections (`shared`). */
export const SCHED_NONE = 1;
/** Node's `cluster.SCHED_RR`: the primary hands connections out round robin (`round-robin`). */
export const SCHED_RR = 2;

/** The built-in strategies' names. */
export const strategyNames = Object.freeze([
  'round-robin',
  'shared',
  'least-connections',
  'power-of-two',
  'weighted-round-robin',
  'consistent-hash',
  'reuseport',
] as const);

export type StrategyName = (typeof strategyNames)[number];

/** Other names for built-in strategies: Node's `NODE_CLUSTER_SCHED_POLICY` values and policy constant names. */
export const strategyAliases: Readonly<Record<string, StrategyName>> = Object.freeze({
  rr: 'round-robin',
  none: 'shared',
  SCHED_RR: 'round-robin',
  SCHED_NONE: 'shared',
});

/**
 * What names a strategy: a name or alias, Node's SCHED_RR/SCHED_NONE, a strategy object, a pick function
 * (one that declares parameters), a strategy class, or a factory (a function of no parameters).
 */
export type StrategySpec = string | number | Strategy | StrategyFunction | StrategyClass | StrategyFactory;

/** Options for the built-in strategies; each reads its own and ignores the others. */
export interface StrategyOptions extends PowerOfTwoOptions, ConsistentHashOptions {}

const builtIns: ReadonlyMap<string, (options: StrategyOptions) => Strategy> = new Map<
  string,
  (options: StrategyOptions) => Strategy
>([
  ['round-robin', () => new RoundRobinStrategy()],
  ['shared', () => new SharedStrategy()],
  ['least-connections', () => new LeastConnectionsStrategy()],
  ['power-of-two', (options) => new PowerOfTwoStrategy({ random: options.random })],
  ['weighted-round-robin', () => new WeightedRoundRobinStrategy()],
  ['reuseport', () => new ReusePortStrategy()],
  [
    'consistent-hash',
    (options) =>
      new ConsistentHashStrategy({
        epsilon: options.epsilon,
        virtualNodes: options.virtualNodes,
        maxKeys: options.maxKeys,
        key: options.key,
        needsPeer: options.needsPeer,
        routeBy: options.routeBy,
        maxHeadBytes: options.maxHeadBytes,
        headTimeoutMs: options.headTimeoutMs,
        proxyFrom: options.proxyFrom,
      }),
  ],
]);

/** The options each built-in strategy reads (the rest of a `StrategyOptions` it ignores). */
export const strategyOptionNames: Readonly<Record<StrategyName, readonly string[]>> = Object.freeze({
  'round-robin': [],
  shared: [],
  'least-connections': [],
  'power-of-two': ['random'],
  'weighted-round-robin': [],
  reuseport: [],
  'consistent-hash': [
    'epsilon',
    'virtualNodes',
    'maxKeys',
    'key',
    'needsPeer',
    'routeBy',
    'maxHeadBytes',
    'headTimeoutMs',
    'proxyFrom',
  ],
});

/** The built-in strategy a name or alias (or Node's policy number) names, if any. */
export function builtInStrategyName(spec: unknown): StrategyName | undefined {
  const name = aliases.get(spec as string | number) ?? spec;
  return typeof name === 'string' && builtIns.has(name) ? (name as StrategyName) : undefined;
}

const aliases: ReadonlyMap<string | number, StrategyName> = new Map<string | number, StrategyName>([
  ...Object.entries(strategyAliases),
  [SCHED_NONE, 'shared'],
  [SCHED_RR, 'round-robin'],
]);

const modes: ReadonlySet<unknown> = new Set([undefined, 'handoff', 'shared', 'reuseport']);

const flags = ['needsPeer', 'needsLoad', 'selective'] as const;

/**
 * A source of strategy instances for `spec`, checked now so that a bad spec fails at setup rather than at
 * the first connection. Each call of the returned function gives the instance for one listen key:
 *
 * - a name, alias or policy number: a new built-in instance each call (built with `options`);
 * - a class (a constructor whose prototype has `pick`, or any `class`): `new Class()` each call;
 * - a factory (a function with no declared parameters, not a class): called each call, its result checked;
 * - a pick function (one or more declared parameters): a new `{ name: fn.name || 'custom', pick: fn }`
 *   each call;
 * - a strategy object: that same object every call, so every listen key shares it (and its state).
 *
 * A class or factory is called once here to check what it gives; that instance is the first call's.
 * Throws `SHOAL_ERR_UNKNOWN_STRATEGY` (a name or number naming nothing), `ERR_INVALID_ARG_TYPE` /
 * `ERR_INVALID_ARG_VALUE` (an invalid spec, object or option) and `ERR_INVALID_RETURN_VALUE` (a class or
 * factory that did not give a strategy); whatever a class or factory throws propagates.
 */
export function strategyFactory(spec: StrategySpec, options: StrategyOptions = {}): () => Strategy {
  validateObject(options, 'options');
  if (typeof spec === 'string' || typeof spec === 'number') {
    const name = aliases.get(spec) ?? spec;
    const create = builtIns.get(name as string);
    if (create === undefined)
      throw new UnknownStrategyError(spec, [...strategyNames, ...aliases.keys()].map(String));
    // A copy: later changes to the caller's object do not reach instances created later.
    const own: StrategyOptions = { ...options };
    // Building one now reports invalid options at setup.
    return firstThen(create(own), () => create(own));
  }
  if (typeof spec === 'function') {
    if (isClass(spec)) {
      const Class = spec as StrategyClass;
      const source = `the "${Class.name || 'anonymous'}" strategy class`;
      const create = (): Strategy => checkReturned(new Class(), source, false);
      return firstThen(create(), create);
    }
    if (spec.length === 0) {
      const factory = spec as StrategyFactory;
      const source = `the "${factory.name || 'anonymous'}" strategy factory`;
      const create = (): Strategy => checkReturned(factory(), source, true);
      return firstThen(create(), create);
    }
    const pick = spec as StrategyFunction;
    const name = pick.name || 'custom';
    return () => ({ name, pick });
  }
  if (typeof spec !== 'object' || spec === null) {
    throw errInvalidArgType('strategy', ['string', 'number', 'function', 'object'], spec);
  }
  const invalid = strategyObjectError(spec);
  if (invalid !== undefined) throw invalid;
  return () => spec;
}

/**
 * A strategy for `spec`: the first instance `strategyFactory(spec, options)` gives (see there). A name gives
 * a new instance each call; a strategy object is checked and returned as is.
 */
export function resolveStrategy(spec: StrategySpec, options: StrategyOptions = {}): Strategy {
  return strategyFactory(spec, options)();
}

/** Gives `first` on the first call, then what `next` makes. */
function firstThen(first: Strategy, next: () => Strategy): () => Strategy {
  let probe: Strategy | undefined = first;
  return () => {
    if (probe === undefined) return next();
    const strategy = probe;
    probe = undefined;
    return strategy;
  };
}

/** A `class`, or a constructor function whose prototype carries `pick` (a class written the old way). */
function isClass(fn: object): boolean {
  const prototype: unknown = (fn as { prototype?: unknown }).prototype;
  if (typeof prototype === 'object' && prototype !== null) {
    if (typeof (prototype as { pick?: unknown }).pick === 'function') return true;
  }
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

/** The error `resolveStrategy` throws for an object that is not a valid strategy, or undefined. */
function strategyObjectError(value: object): Error | undefined {
  const strategy = value as Partial<Record<keyof Strategy, unknown>>;
  if (typeof strategy.pick !== 'function')
    return errInvalidArgType('strategy.pick', 'of type function', strategy.pick);
  if (typeof strategy.name !== 'string')
    return errInvalidArgType('strategy.name', 'of type string', strategy.name);
  if (!modes.has(strategy.mode))
    return errInvalidArgValue('strategy.mode', strategy.mode, "must be 'handoff', 'shared' or 'reuseport'");
  for (const flag of flags) {
    const set = strategy[flag];
    if (set !== undefined && typeof set !== 'boolean')
      return errInvalidArgType(`strategy.${flag}`, 'of type boolean', set);
  }
  return undefined;
}

function checkReturned(value: unknown, source: string, factory: boolean): Strategy {
  if (typeof value !== 'object' || value === null) {
    const hint = factory
      ? ' (a function that declares no parameters is taken for a factory; a pick function must declare them)'
      : '';
    throw errInvalidReturnValue(
      source,
      value,
      `a strategy is an object with a name and a pick method${hint}`,
    );
  }
  const invalid = strategyObjectError(value);
  if (invalid !== undefined) throw errInvalidReturnValue(source, value, invalid.message, invalid);
  return value as Strategy;
}
