// The result type shared by every parse function: parsing never throws, it says what went wrong.
import type { ProtocolError } from './errors.js';

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: ProtocolError };
