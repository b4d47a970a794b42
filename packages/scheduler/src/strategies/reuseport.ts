// The marker for SO_REUSEPORT: each worker accepts on a listen socket of its own and the kernel balances.
import { RoundRobinStrategy } from './round-robin.js';

/**
 * `mode: 'reuseport'` tells the primary to open one SO_REUSEPORT listen socket per worker and send each worker
 * its own, so connections go from the kernel straight to a worker. `pick` is only used for the few connections
 * the primary accepts itself — those left in the queue of a socket whose worker went away — and hands them out
 * round robin, with Node's one-hand-off-at-a-time rule.
 */
export class ReusePortStrategy extends RoundRobinStrategy {
  override readonly name = 'reuseport';
  readonly mode = 'reuseport';
}
