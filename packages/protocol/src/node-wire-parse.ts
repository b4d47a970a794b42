// Validation of Node's cluster messages. On the per-connection hot path: no copies, no allocation on
// success; unknown fields are left in place for the caller to pass through.
import { NODE_CLUSTER_CMD } from './constants.js';
import { ProtocolErrorCode } from './errors.js';
import type { PrimaryMessage, WorkerMessage } from './node-wire.js';
import type { ParseResult } from './parse-result.js';
import {
  describeValue,
  isCount,
  isInteger,
  isRecord,
  malformed,
  type Problem,
  passes,
  toParseResult,
  type WireRecord,
} from './wire-checks.js';

function envelopeProblem(raw: unknown): Problem | undefined {
  if (!isRecord(raw)) return malformed(`a cluster message must be an object, got ${describeValue(raw)}`);
  if (raw.cmd !== NODE_CLUSTER_CMD) {
    return malformed(`a cluster message must have cmd "${NODE_CLUSTER_CMD}", got ${describeValue(raw.cmd)}`);
  }
  const seq = raw.seq;
  if (seq !== undefined && !isCount(seq)) {
    return malformed(`cluster message seq must be a non-negative integer, got ${describeValue(seq)}`);
  }
  return undefined;
}

function unknownAct(act: unknown, direction: string): Problem {
  if (typeof act !== 'string')
    return malformed(`cluster message act must be a string, got ${describeValue(act)}`);
  return {
    code: ProtocolErrorCode.UNKNOWN_KIND,
    message: `unknown ${direction} cluster message act ${describeValue(act)}`,
    details: { act },
  };
}

function fieldProblem(act: string, field: string, expected: string, value: unknown): Problem {
  return malformed(`${act}: ${field} must be ${expected}, got ${describeValue(value)}`);
}

function isAddressType(value: unknown): boolean {
  return value === 4 || value === 6 || value === -1 || value === 'udp4' || value === 'udp6';
}

function serverQueryProblem(m: WireRecord, act: string): Problem | undefined {
  // backlog, readableAll and writableAll are copied from the user's listen() options unvalidated by Node's
  // net, so any value may arrive; they are passed through, not judged.
  const { address, port, addressType, fd, index, flags } = m;
  if (address !== null && address !== undefined && typeof address !== 'string') {
    return fieldProblem(act, 'address', 'a string, null or undefined', address);
  }
  if (port !== null && port !== undefined && !isInteger(port))
    return fieldProblem(act, 'port', 'an integer, null or undefined', port);
  if (addressType !== null && !isAddressType(addressType)) {
    return fieldProblem(act, 'addressType', '4, 6, -1, "udp4", "udp6" or null', addressType);
  }
  if (fd !== undefined && !isInteger(fd)) return fieldProblem(act, 'fd', 'an integer or undefined', fd);
  if (!isCount(index)) return fieldProblem(act, 'index', 'a non-negative integer', index);
  if (flags !== undefined && flags !== null && !isInteger(flags)) {
    return fieldProblem(act, 'flags', 'an integer, null or undefined', flags);
  }
  return undefined;
}

function keyProblem(m: WireRecord, act: string): Problem | undefined {
  return typeof m.key === 'string' ? undefined : fieldProblem(act, 'key', 'a string', m.key);
}

function requiredSeqProblem(m: WireRecord, act: string): Problem | undefined {
  return m.seq === undefined ? fieldProblem(act, 'seq', 'a non-negative integer', undefined) : undefined;
}

function workerMessageProblem(raw: unknown): Problem | undefined {
  const envelope = envelopeProblem(raw);
  if (envelope !== undefined) return envelope;
  const m = raw as WireRecord;
  switch (m.act) {
    case 'online':
      return undefined;
    case 'queryServer':
      return requiredSeqProblem(m, 'queryServer') ?? serverQueryProblem(m, 'queryServer');
    case 'listening':
      return serverQueryProblem(m, 'listening');
    case 'close':
      return keyProblem(m, 'close');
    case 'exitedAfterDisconnect':
      return requiredSeqProblem(m, 'exitedAfterDisconnect');
    case undefined:
      if (!isCount(m.ack)) return fieldProblem('newconn reply', 'ack', 'a non-negative integer', m.ack);
      if (typeof m.accepted !== 'boolean') {
        return fieldProblem('newconn reply', 'accepted', 'a boolean', m.accepted);
      }
      return undefined;
    default:
      return unknownAct(m.act, 'worker');
  }
}

function socketNameProblem(sockname: unknown): Problem | undefined {
  if (sockname === undefined || sockname === null) return undefined;
  if (!isRecord(sockname))
    return fieldProblem('queryServer reply', 'sockname', 'an object or null', sockname);
  if (typeof sockname.address !== 'string') {
    return fieldProblem('queryServer reply', 'sockname.address', 'a string', sockname.address);
  }
  if (typeof sockname.family !== 'string') {
    return fieldProblem('queryServer reply', 'sockname.family', 'a string', sockname.family);
  }
  if (!isInteger(sockname.port))
    return fieldProblem('queryServer reply', 'sockname.port', 'an integer', sockname.port);
  return undefined;
}

function primaryMessageProblem(raw: unknown): Problem | undefined {
  const envelope = envelopeProblem(raw);
  if (envelope !== undefined) return envelope;
  const m = raw as WireRecord;
  switch (m.act) {
    case 'newconn':
      return requiredSeqProblem(m, 'newconn') ?? keyProblem(m, 'newconn');
    case 'disconnect':
      return undefined;
    case undefined: {
      if (!isCount(m.ack)) return fieldProblem('reply', 'ack', 'a non-negative integer', m.ack);
      // A reply with a key answers a queryServer; without one it is a bare ack.
      if (m.key === undefined) return undefined;
      const keyed = keyProblem(m, 'queryServer reply');
      if (keyed !== undefined) return keyed;
      if (m.errno !== null && !isInteger(m.errno)) {
        return fieldProblem('queryServer reply', 'errno', 'an integer or null', m.errno);
      }
      return socketNameProblem(m.sockname);
    }
    default:
      return unknownAct(m.act, 'primary');
  }
}

/** Validates a message received from a worker. Never throws; on success returns `raw` itself. */
export function parseWorkerMessage(raw: unknown): ParseResult<WorkerMessage> {
  return toParseResult<WorkerMessage>(raw, workerMessageProblem);
}

/** Validates a message received from the primary. Never throws; on success returns `raw` itself. */
export function parsePrimaryMessage(raw: unknown): ParseResult<PrimaryMessage> {
  return toParseResult<PrimaryMessage>(raw, primaryMessageProblem);
}

/** Type-guard form of {@link parseWorkerMessage}; allocates nothing for a valid message. */
export function isWorkerMessage(raw: unknown): raw is WorkerMessage {
  return passes(raw, workerMessageProblem);
}

/** Type-guard form of {@link parsePrimaryMessage}; allocates nothing for a valid message. */
export function isPrimaryMessage(raw: unknown): raw is PrimaryMessage {
  return passes(raw, primaryMessageProblem);
}
