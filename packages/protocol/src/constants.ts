// The three constants every other file keys on: the two `cmd` values and Shoal's protocol version.

/** `cmd` of Node's own cluster messages (`lib/internal/cluster/utils.js` adds it to every message). */
export const NODE_CLUSTER_CMD = 'NODE_CLUSTER';

/**
 * `cmd` of Shoal's extension channel. The `NODE_` prefix makes `child_process` route these messages to
 * `'internalMessage'`, so they never reach user `'message'` listeners, and Node's cluster code ignores
 * them because their `cmd` is not `NODE_CLUSTER`.
 */
export const SHOAL_CMD = 'NODE_SHOAL';

/** Version of the extension channel spoken by this copy of the package; both peers must speak the same. */
export const SHOAL_PROTOCOL_VERSION = 1;
