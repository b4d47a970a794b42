// The primary's `diagnostics_channel` channels (`shoal:*`, as undici names its own `undici:*`): tests, metrics
// and a user's tracing all read the same events. Publishing costs nothing while a channel has no subscriber.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Worker } from './worker.js';

export interface ForkEvent {
  worker: Worker;
}
export interface OnlineEvent {
  worker: Worker;
}
export interface ListeningEvent {
  worker: Worker;
  address: { addressType: unknown; address: unknown; port: unknown; fd: unknown };
}
/** A connection the primary accepted was handed to a worker (round robin, or a reuseport orphan's queue). */
export interface HandoffEvent {
  key: string;
  workerId: number;
}
/** The worker answered a hand-off. */
export interface SettledEvent {
  key: string;
  workerId: number;
  accepted: boolean;
}
/** A worker left with hand-offs unanswered: they go back to the queue, for another worker. */
export interface RerouteEvent {
  key: string;
  workerId: number;
  count: number;
}
/** Connections the primary accepted and closed unserved. */
export interface ClosedUnservedEvent {
  key: string;
  count: number;
  reason: 'refused-by-all' | 'key-closed' | 'untrusted-proxy-header';
}
export interface ExitEvent {
  worker: Worker;
  code: number | null;
  signal: NodeJS.Signals | null;
}
export interface ProtocolErrorEvent {
  worker: Worker;
  error: Error;
  raw: unknown;
}

/** The channel names, for `diagnostics_channel.subscribe(name, ...)`. */
export const channelNames = Object.freeze({
  fork: 'shoal:fork',
  online: 'shoal:online',
  listening: 'shoal:listening',
  handoff: 'shoal:handoff',
  settled: 'shoal:settled',
  refusal: 'shoal:refusal',
  reroute: 'shoal:reroute',
  closedUnserved: 'shoal:closed-unserved',
  exit: 'shoal:exit',
  protocolError: 'shoal:protocol-error',
} as const);

export const channels = {
  fork: diagnosticsChannel.channel(channelNames.fork),
  online: diagnosticsChannel.channel(channelNames.online),
  listening: diagnosticsChannel.channel(channelNames.listening),
  handoff: diagnosticsChannel.channel(channelNames.handoff),
  settled: diagnosticsChannel.channel(channelNames.settled),
  refusal: diagnosticsChannel.channel(channelNames.refusal),
  reroute: diagnosticsChannel.channel(channelNames.reroute),
  closedUnserved: diagnosticsChannel.channel(channelNames.closedUnserved),
  exit: diagnosticsChannel.channel(channelNames.exit),
  protocolError: diagnosticsChannel.channel(channelNames.protocolError),
};
