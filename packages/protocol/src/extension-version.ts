// The version-mismatch error, worded the same way on both sides of the channel.
import { SHOAL_PROTOCOL_VERSION } from './constants.js';
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import type { Role } from './extension.js';

/**
 * `SHOAL_ERR_PROTOCOL_VERSION_MISMATCH` naming both sides, primary first, whichever side detects it:
 * "primary speaks Shoal protocol 1, worker speaks 2".
 */
export function versionMismatchError(
  localRole: Role,
  remoteVersion: number,
  localVersion: number = SHOAL_PROTOCOL_VERSION,
): ProtocolError {
  const remoteRole: Role = localRole === 'primary' ? 'worker' : 'primary';
  const primaryVersion = localRole === 'primary' ? localVersion : remoteVersion;
  const workerVersion = localRole === 'worker' ? localVersion : remoteVersion;
  return new ProtocolError(
    ProtocolErrorCode.VERSION_MISMATCH,
    `primary speaks Shoal protocol ${primaryVersion}, worker speaks ${workerVersion}`,
    { details: { localRole, localVersion, remoteRole, remoteVersion } },
  );
}
