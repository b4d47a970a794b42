// A mistake in how `shoal` was called: the message names the flag or value, and the command exits 2.
export class UsageError extends Error {
  readonly code = 'SHOAL_ERR_USAGE';
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the command reports in one line and exits with (1 unless told), without a stack trace. */
export class CommandError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(message: string, code: string, exitCode = 1) {
    super(message);
    this.name = 'CommandError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
