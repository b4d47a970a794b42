// Errors the scheduler throws: Node's own codes for invalid arguments, `SHOAL_ERR_*` for the scheduler's own.
import { inspect } from 'node:util';
import { brandShoalError, describeReceived, hasShoalBrand } from '@shoal/protocol/node-errors';

export {
  type CodedError,
  errInvalidArgType,
  errInvalidArgValue,
  errOutOfRange,
} from '@shoal/protocol/node-errors';

/** Errors of this package carry this brand, so `instanceof` works across duplicate copies of it. */
const schedulerErrorBrand = Symbol.for('shoal.scheduler.error');

/** The base of the scheduler's own errors; `code` tells them apart. */
export class ShoalSchedulerError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ShoalSchedulerError';
    this.code = code;
    brandShoalError(this, schedulerErrorBrand);
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSchedulerError(value);
  }
}

function isSchedulerError(value: unknown): value is ShoalSchedulerError {
  return hasShoalBrand(value, schedulerErrorBrand);
}

/** A strategy name (or Node scheduling policy number) that names no strategy. */
export class UnknownStrategyError extends ShoalSchedulerError {
  static readonly code = 'SHOAL_ERR_UNKNOWN_STRATEGY';
  readonly strategy: string | number;
  constructor(strategy: string | number, known: readonly string[]) {
    super(
      UnknownStrategyError.code,
      `Unknown scheduling strategy ${inspect(strategy)}; expected one of ${known.join(', ')}`,
    );
    this.strategy = strategy;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSchedulerError(value) && value.code === UnknownStrategyError.code;
  }
}

/** The `shared` strategy leaves distribution to the kernel: it cannot pick a worker or drive a Dispatcher. */
export class SharedStrategyError extends ShoalSchedulerError {
  static readonly code = 'SHOAL_ERR_SHARED_STRATEGY';
  constructor() {
    super(
      SharedStrategyError.code,
      'The shared strategy lets the kernel distribute connections; it cannot pick a worker',
    );
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSchedulerError(value) && value.code === SharedStrategyError.code;
  }
}

/** `addWorker` was given an id the dispatcher already holds. */
export class WorkerExistsError extends ShoalSchedulerError {
  static readonly code = 'SHOAL_ERR_WORKER_EXISTS';
  readonly workerId: number;
  constructor(workerId: number) {
    super(WorkerExistsError.code, `Worker ${workerId} was already added`);
    this.workerId = workerId;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSchedulerError(value) && value.code === WorkerExistsError.code;
  }
}

/** A strategy's `pick` returned something other than one of the workers it was offered. */
export class InvalidPickError extends ShoalSchedulerError {
  static readonly code = 'SHOAL_ERR_INVALID_PICK';
  readonly strategy: string;
  constructor(strategy: string, picked: unknown) {
    super(
      InvalidPickError.code,
      `Strategy "${strategy}" picked ${describeReceived(picked)}, which is not one of the workers it was offered`,
    );
    this.strategy = strategy;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSchedulerError(value) && value.code === InvalidPickError.code;
  }
}
