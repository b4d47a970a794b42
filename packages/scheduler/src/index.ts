/// <reference types="node" preserve="true" />
// @shoal/scheduler: pluggable connection scheduling for a cluster primary — pure decision logic, no I/O.
export { type AddWorkerOptions, Dispatcher, type DispatcherOptions } from './dispatcher.js';
export {
  type CodedError,
  InvalidPickError,
  SharedStrategyError,
  ShoalSchedulerError,
  UnknownStrategyError,
  WorkerExistsError,
} from './errors.js';
export {
  createHeadReader,
  type HeadExaminer,
  type HeadReader,
  type HeadReaderOptions,
  parseRouteBy,
} from './head/head-reader.js';
export type { HeadRequest, HeadVerdict, ProxyInfo, RouteBy } from './head/head-request.js';
export { type ProxyHeaderResult, parseProxyHeader } from './head/proxy-header.js';
export {
  builtInStrategyName,
  resolveStrategy,
  SCHED_NONE,
  SCHED_RR,
  type StrategyName,
  type StrategyOptions,
  type StrategySpec,
  strategyAliases,
  strategyFactory,
  strategyNames,
  strategyOptionNames,
} from './resolve-strategy.js';
export { type ConsistentHashOptions, ConsistentHashStrategy } from './strategies/consistent-hash.js';
export { LeastConnectionsStrategy } from './strategies/least-connections.js';
export { type PowerOfTwoOptions, PowerOfTwoStrategy } from './strategies/power-of-two.js';
export { ReusePortStrategy } from './strategies/reuseport.js';
export { RoundRobinStrategy } from './strategies/round-robin.js';
export { SharedStrategy } from './strategies/shared.js';
export { WeightedRoundRobinStrategy } from './strategies/weighted-round-robin.js';
export type {
  ConnectionInfo,
  Strategy,
  StrategyClass,
  StrategyFactory,
  StrategyFunction,
  StrategyMode,
  WorkerId,
  WorkerView,
} from './strategy.js';
