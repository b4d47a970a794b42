// Strategy names (and their aliases from environment variables and settings) to strategy instances.
import { errInvalidArgType, errInvalidArgValue, UnknownStrategyError } from './errors.js';
import { type ConsistentHashOptions, ConsistentHashStrategy } from './strategies/consistent-hash.js';
import { LeastConnectionsStrategy } from './strategies/least-connections.js';
import { type PowerOfTwoOptions, PowerOfTwoStrategy } from './strategies/power-of-two.js';
import { ReusePortStrategy } from './strategies/reuseport.js';
import { RoundRobinStrategy } from './strategies/round-robin.js';
import { SharedStrategy } from './strategies/shared.js';
import { WeightedRoundRobinStrategy } from './strategies/weighted-round-robin.js';
import type { Strategy, StrategyFunction } from './strategy.js';
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

/** What names a strategy: a name or alias, Node's SCHED_RR/SCHED_NONE, a strategy object or a pick function. */
export type StrategySpec = string | number | Strategy | StrategyFunction;

/** Options for the built-in strategies; each reads its own and ignores the others. */
export interface StrategyOptions extends PowerOfTwoOptions, ConsistentHashOptions {}

const factories: ReadonlyMap<string, (options: StrategyOptions) => Strategy> = new Map<
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
      }),
  ],
]);

const aliases: ReadonlyMap<string | number, StrategyName> = new Map<string | number, StrategyName>([
  ...Object.entries(strategyAliases),
  [SCHED_NONE, 'shared'],
  [SCHED_RR, 'round-robin'],
]);

const modes: ReadonlySet<unknown> = new Set([undefined, 'handoff', 'shared', 'reuseport']);

/**
 * A strategy for `spec`. A name, alias or policy number gives a new instance each call (strategies keep
 * per-worker state, so give each dispatcher its own); a strategy object is checked and returned as is; a
 * function becomes a strategy named after it (`'custom'` if anonymous).
 */
export function resolveStrategy(spec: StrategySpec, options: StrategyOptions = {}): Strategy {
  validateObject(options, 'options');
  if (typeof spec === 'string' || typeof spec === 'number') {
    const name = aliases.get(spec) ?? spec;
    const create = factories.get(name as string);
    if (create === undefined)
      throw new UnknownStrategyError(spec, [...strategyNames, ...aliases.keys()].map(String));
    return create(options);
  }
  if (typeof spec === 'function') {
    return { name: spec.name || 'custom', pick: spec };
  }
  if (typeof spec !== 'object' || spec === null) {
    throw errInvalidArgType('strategy', 'of type string, number, function or object', spec);
  }
  if (typeof spec.pick !== 'function')
    throw errInvalidArgType('strategy.pick', 'of type function', spec.pick);
  if (typeof spec.name !== 'string') throw errInvalidArgType('strategy.name', 'of type string', spec.name);
  if (!modes.has(spec.mode))
    throw errInvalidArgValue('strategy.mode', spec.mode, "must be 'handoff', 'shared' or 'reuseport'");
  return spec;
}
