// Every failure this package reports: one error class with a stable `code` users can branch on.
import { brandShoalError, hasShoalBrand } from './shoal-error.js';

const protocolErrorBrand = Symbol.for('shoal.protocol.error');

/** The stable codes a {@link ProtocolError} carries (a plain object, not an enum: erasable TypeScript). */
export const ProtocolErrorCode = {
  /** Not an object, wrong `cmd`, or a field of the wrong type. */
  MALFORMED: 'SHOAL_ERR_PROTOCOL_MALFORMED',
  /** A well-formed envelope whose `act` / `type` this version does not know. */
  UNKNOWN_KIND: 'SHOAL_ERR_PROTOCOL_UNKNOWN_KIND',
  /** The peer speaks another version of the extension channel. */
  VERSION_MISMATCH: 'SHOAL_ERR_PROTOCOL_VERSION_MISMATCH',
  /** The peer announced the same role as this side (two primaries or two workers on one channel). */
  ROLE_CONFLICT: 'SHOAL_ERR_PROTOCOL_ROLE_CONFLICT',
  /** A request got no answer in time. */
  REQUEST_TIMEOUT: 'SHOAL_ERR_REQUEST_TIMEOUT',
  /** A request was cancelled through its `AbortSignal`. */
  REQUEST_CANCELLED: 'SHOAL_ERR_REQUEST_CANCELLED',
  /** The channel (or its transport) closed before the request settled, or was already closed. */
  CHANNEL_CLOSED: 'SHOAL_ERR_CHANNEL_CLOSED',
  /** The transport threw while sending. */
  TRANSPORT_SEND: 'SHOAL_ERR_TRANSPORT_SEND',
  /** The remote RPC handler threw or rejected; `details.remote` holds its message, code and name. */
  RPC_REMOTE: 'SHOAL_ERR_RPC_REMOTE',
  /** Sent back by a peer that has no handler for the requested method (seen locally as `RPC_REMOTE`). */
  RPC_UNKNOWN_METHOD: 'SHOAL_ERR_RPC_UNKNOWN_METHOD',
  /** `handle()` was called twice for the same method. */
  RPC_DUPLICATE_HANDLER: 'SHOAL_ERR_RPC_DUPLICATE_HANDLER',
} as const;

export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export interface ProtocolErrorOptions {
  cause?: unknown;
  /** Machine-readable context (versions, request id, remote error…). Plain data only. */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The one error class of `@shoal/protocol`. `instanceof ProtocolError` also holds for instances made by
 * another copy of this package (two versions installed side by side): the check falls back to a brand
 * stored under `Symbol.for('shoal.protocol.error')`.
 */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ProtocolErrorCode, message: string, options?: ProtocolErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
    brandShoalError(this, protocolErrorBrand);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class `instanceof` was asked about: ProtocolError itself or a subclass.
    // biome-ignore lint/complexity/noThisInStatic: must be the receiver, not ProtocolError, for subclasses
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // Only the base class accepts foreign copies; a subclass keeps the ordinary prototype check.
    // biome-ignore lint/complexity/noThisInStatic: see above
    return this === ProtocolError && hasShoalBrand(value, protocolErrorBrand);
  }
}

// On the prototype (not an own field) so `name` stays out of enumerable own properties, like Node's errors.
Object.defineProperty(ProtocolError.prototype, 'name', {
  value: 'ProtocolError',
  writable: true,
  configurable: true,
  enumerable: false,
});

/** Whether `value` is a {@link ProtocolError} (from any copy of this package) with the given code. */
export function isProtocolError(value: unknown, code?: ProtocolErrorCode): value is ProtocolError {
  return value instanceof ProtocolError && (code === undefined || value.code === code);
}
