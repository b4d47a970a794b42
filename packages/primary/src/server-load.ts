// Picks a worker's load on one listen key out of its load report, by the address the key's socket listens on.
import type { LoadCounts, LoadReport } from '@shoal/protocol';
import type { LocalAddress } from './server-handle.js';

const none: LoadCounts = Object.freeze({ connections: 0, requests: 0 });

/**
 * The report's entry for the server listening at `where`. A report without a per-server breakdown (an older
 * worker runtime) counts whole for every key; one with a breakdown and no entry here means no load on this key.
 */
export function matchServerLoad(load: LoadReport, where: LocalAddress | undefined): LoadCounts {
  const servers = load.servers;
  if (servers === undefined || where === undefined) return load;
  for (const server of servers) {
    if ('path' in where) {
      if (server.path === where.path) return server;
    } else if (server.port === where.port && sameHost(server.address, where.address)) {
      return server;
    }
  }
  return none;
}

/** `::` and `0.0.0.0` name every interface; a worker may report either form for one socket. */
function sameHost(reported: string | undefined, bound: string): boolean {
  if (reported === undefined || reported === bound) return true;
  const any = (host: string): boolean => host === '::' || host === '0.0.0.0';
  return any(reported) && any(bound);
}
