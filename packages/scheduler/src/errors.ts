// Errors the scheduler throws: Node's own codes for invalid arguments, `SHOAL_ERR_*` for the scheduler's own.
import { inspect } from 'node:util';

/** Every Shoal error, from any package or copy of one, carries this brand. */
const shoalErrorBrand = Symbol.for('shoal.error');
/** Errors of this package carry this one too, so `instanceof` works across duplicate copies of it. */
const schedulerErrorBrand = Symbol.for('shoal.scheduler.error');

export interface CodedError extends Error {
  code: string;
}

/** Describes a received value the way Node's argument errors do ("type number (-1)", "an instance of Map"). */
function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function' && value.name) return `function ${value.name}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? `an instance of ${name}` : inspect(value, { depth: -1 });
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

function withCode<E extends Error>(error: E, code: string): E & CodedError {
  // Node shows "TypeError [ERR_X]: message" in the stack, yet keeps `name` plain.
  const name = error.name;
  error.name = `${name} [${code}]`;
  void error.stack;
  error.name = name;
  return Object.assign(error, { code });
}

function kind(name: string): string {
  return name.includes('.') ? 'property' : 'argument';
}

/** `expected` reads after "must be", e.g. "of type function" or "an object". */
export function errInvalidArgType(name: string, expected: string, actual: unknown): TypeError & CodedError {
  return withCode(
    new TypeError(`The "${name}" ${kind(name)} must be ${expected}. Received ${describeReceived(actual)}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

export function errInvalidArgValue(
  name: string,
  value: unknown,
  reason = 'is invalid',
): TypeError & CodedError {
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return withCode(
    new TypeError(`The ${kind(name)} '${name}' ${reason}. Received ${shown}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** `range` reads after "It must be", e.g. ">= 1 && <= 1000". */
export function errOutOfRange(name: string, range: string, value: unknown): RangeError & CodedError {
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`),
    'ERR_OUT_OF_RANGE',
  );
}

/** The base of the scheduler's own errors; `code` tells them apart. */
export class ShoalSchedulerError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ShoalSchedulerError';
    this.code = code;
    Object.defineProperty(this, shoalErrorBrand, { value: true });
    Object.defineProperty(this, schedulerErrorBrand, { value: true });
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isSchedulerError(value);
  }
}

function isSchedulerError(value: unknown): value is ShoalSchedulerError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[schedulerErrorBrand] === true
  );
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
