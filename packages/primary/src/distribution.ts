// How a primary's listen keys distribute connections, decided once (at the first setup or fork) from the
// scheduling policy, NODE_CLUSTER_SCHED_POLICY and `settings.strategy`; each key then gets its own strategy.
import {
  builtInStrategyName,
  type Strategy,
  type StrategyOptions,
  type StrategySpec,
  strategyFactory,
  strategyOptionNames,
} from '@shoal/scheduler';
import { type bindReusePort, reusePortSupport } from './bind-reuseport-handle.js';
import { errInternalAssertion, errInvalidArgValue } from './errors.js';
import { type EnvironmentPolicy, SCHED_NONE, SCHED_RR, type SchedulingPolicy } from './scheduling-policy.js';

export type Distribution =
  /** The primary accepts and hands each connection to the worker a strategy picks. */
  | { kind: 'round-robin'; name: string; needsLoad: boolean; readsHead: boolean; strategy: () => Strategy }
  /** The kernel distributes over one handle every worker accepts on (Node's SCHED_NONE). */
  | { kind: 'shared'; name: 'shared'; needsLoad: false; readsHead: false }
  /** One SO_REUSEPORT socket per worker; `strategy` places connections the primary accepts on orphans. */
  | {
      kind: 'reuseport';
      name: string;
      needsLoad: boolean;
      readsHead: boolean;
      strategy: () => Strategy;
      bind: typeof bindReusePort;
    };

/**
 * Resolves the distribution. `settings.strategy` wins, then a strategy named by the environment (when the
 * policy was left as the environment set it), then the policy. Throws for what names no strategy.
 */
export function resolveDistribution(
  policy: SchedulingPolicy,
  environment: EnvironmentPolicy,
  strategySetting: unknown,
  strategyOptions?: StrategyOptions,
): Distribution {
  const fromEnvironment = policy === environment.policy ? environment.strategy : undefined;
  const chosen = strategySetting ?? fromEnvironment ?? policy;
  let spec: StrategySpec;
  if (chosen === SCHED_RR) spec = 'round-robin';
  else if (chosen === SCHED_NONE) spec = 'shared';
  else if (typeof chosen === 'string' || typeof chosen === 'function' || typeof chosen === 'object')
    spec = chosen as StrategySpec;
  else throw errInternalAssertion(`Bad cluster.schedulingPolicy: ${String(policy)}`);
  if (environment.unknown !== undefined && fromEnvironment === undefined && chosen === policy) {
    process.emitWarning(
      `NODE_CLUSTER_SCHED_POLICY=${environment.unknown} names no policy or strategy; using the default`,
      { code: 'SHOAL_WARN_UNKNOWN_SCHED_POLICY' },
    );
  }
  if (strategyOptions !== undefined) checkStrategyOptions(spec, strategyOptions);
  // Checked here, so an unknown name or a bad class fails at setup, not at the first listen.
  const strategy = strategyFactory(spec, strategyOptions);
  const probe = strategy();
  const first = onceThen(probe, strategy);
  // Load reports and re-injected heads both need Shoal's worker runtime in every worker.
  const readsHead = probe.head !== undefined;
  const needsLoad = probe.needsLoad === true || readsHead;
  if (probe.mode === 'shared') return { kind: 'shared', name: 'shared', needsLoad: false, readsHead: false };
  if (probe.mode === 'reuseport') {
    const support = reusePortSupport();
    if (support.ok)
      return {
        kind: 'reuseport',
        name: probe.name,
        needsLoad,
        readsHead,
        strategy: first,
        bind: support.bind,
      };
    process.emitWarning(`reuseport is unavailable (${support.reason}); using round-robin`, {
      code: 'SHOAL_WARN_REUSEPORT_UNAVAILABLE',
    });
    return roundRobin();
  }
  return { kind: 'round-robin', name: probe.name, needsLoad, readsHead, strategy: first };
}

/** Node's own default: round robin, no load reports needed. */
export function roundRobin(): Distribution {
  return {
    kind: 'round-robin',
    name: 'round-robin',
    needsLoad: false,
    readsHead: false,
    strategy: strategyFactory('round-robin'),
  };
}

/** The probed instance serves the first key; later keys get their own. */
function onceThen(first: Strategy, next: () => Strategy): () => Strategy {
  let pending: Strategy | undefined = first;
  return () => {
    const strategy = pending ?? next();
    pending = undefined;
    return strategy;
  };
}

/**
 * Options only a built-in strategy reads, and only its own: anything else would be ignored without a word (a
 * `routeBy` given to round robin, a misspelt key), and the cluster would not route as its author meant.
 */
function checkStrategyOptions(spec: StrategySpec, options: StrategyOptions): void {
  const name = builtInStrategyName(spec);
  if (name === undefined) {
    throw errInvalidArgValue(
      'options.strategyOptions',
      options,
      'applies only to a built-in strategy named by options.strategy (give a custom strategy its options itself)',
    );
  }
  const known = strategyOptionNames[name];
  for (const key of Object.keys(options)) {
    if (options[key as keyof StrategyOptions] === undefined) continue;
    if (!known.includes(key)) {
      const reads = known.length === 0 ? 'none' : known.join(', ');
      throw errInvalidArgValue(
        `options.strategyOptions.${key}`,
        options[key as keyof StrategyOptions],
        `is not an option of the '${name}' strategy (it reads: ${reads})`,
      );
    }
  }
}
