// The marker for Node's SCHED_NONE: the primary shares the listen handle and the kernel distributes.
import { SharedStrategyError } from '../errors.js';
import type { ConnectionInfo, Strategy, WorkerView } from '../strategy.js';

/**
 * `mode: 'shared'` tells the primary to send the listen handle itself to every worker, which then accept
 * connections directly (how the kernel spreads them is up to the kernel: on Linux, unevenly). No connection
 * passes through the primary, so there is nothing to pick: `pick` throws, and a `Dispatcher` refuses it.
 */
export class SharedStrategy implements Strategy {
  readonly name = 'shared';
  readonly mode = 'shared';

  pick(_connection: ConnectionInfo, _workers: readonly WorkerView[]): WorkerView | undefined {
    throw new SharedStrategyError();
  }
}
