// The registry key of a listen request: which worker listens share one handle in the primary.
import type { QueryServerMessage } from '@shoal/protocol';
import { nodeMajor } from './node-internals.js';

/**
 * Node 20 keys by the per-worker listen index too; Node 22+ drops the index unless the port is 0, so one worker
 * can close a server and listen on its port again (nodejs/node#60141). The worker only echoes the key back.
 */
export function handleKey(query: QueryServerMessage, port: number | null): string {
  const base = `${query.address}:${port}:${query.addressType}:${query.fd}`;
  return nodeMajor < 22 || port === 0 ? `${base}:${query.index}` : base;
}
