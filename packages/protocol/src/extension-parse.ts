// Validation of extension-channel messages. Returns the received object itself on success; a peer on
// another protocol version is reported as such before anything else is looked at.
import { SHOAL_CMD, SHOAL_PROTOCOL_VERSION } from './constants.js';
import { ProtocolErrorCode } from './errors.js';
import type { ExtensionMessage } from './extension.js';
import type { ParseResult } from './parse-result.js';
import {
  describeValue,
  isCount,
  isFiniteNumber,
  isRecord,
  malformed,
  type Problem,
  passes,
  toParseResult,
  type WireRecord,
} from './wire-checks.js';
import { isWireValue } from './wire-value.js';

function fieldProblem(type: string, field: string, expected: string, value: unknown): Problem {
  return malformed(`${type}: ${field} must be ${expected}, got ${describeValue(value)}`);
}

function isProtocolVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

function versionProblem(remoteVersion: number, remoteRole: unknown): Problem {
  const who = remoteRole === 'primary' || remoteRole === 'worker' ? remoteRole : 'peer';
  return {
    code: ProtocolErrorCode.VERSION_MISMATCH,
    message: `${who} speaks Shoal protocol ${remoteVersion}, this side speaks ${SHOAL_PROTOCOL_VERSION}`,
    details: {
      localVersion: SHOAL_PROTOCOL_VERSION,
      remoteVersion,
      ...(who === 'peer' ? {} : { remoteRole: who }),
    },
  };
}

function helloProblem(m: WireRecord): Problem | undefined {
  const { role, version, features, pid } = m;
  if (role !== 'primary' && role !== 'worker')
    return fieldProblem('hello', 'role', '"primary" or "worker"', role);
  if (!isProtocolVersion(version)) return fieldProblem('hello', 'version', 'a positive integer', version);
  if (version !== SHOAL_PROTOCOL_VERSION) return versionProblem(version, role);
  if (!Array.isArray(features)) return fieldProblem('hello', 'features', 'an array of strings', features);
  for (let i = 0; i < features.length; i++) {
    if (typeof features[i] !== 'string') {
      return fieldProblem('hello', `features[${i}]`, 'a string', features[i]);
    }
  }
  if (pid !== undefined && !isCount(pid)) return fieldProblem('hello', 'pid', 'a non-negative integer', pid);
  return undefined;
}

function serverLoadProblem(entry: unknown, at: string): Problem | undefined {
  if (!isRecord(entry)) return fieldProblem('load', at, 'an object', entry);
  const { connections, requests, address, port, path } = entry;
  if (!isCount(connections))
    return fieldProblem('load', `${at}.connections`, 'a non-negative integer', connections);
  if (!isCount(requests)) return fieldProblem('load', `${at}.requests`, 'a non-negative integer', requests);
  if (address !== undefined && typeof address !== 'string') {
    return fieldProblem('load', `${at}.address`, 'a string', address);
  }
  if (port !== undefined && !(isCount(port) && port <= 65535)) {
    return fieldProblem('load', `${at}.port`, 'an integer from 0 to 65535', port);
  }
  if (path !== undefined && typeof path !== 'string')
    return fieldProblem('load', `${at}.path`, 'a string', path);
  // Fields a later worker may add are kept, provided they are plain data both serializations carry.
  for (const key in entry) {
    if (Object.hasOwn(entry, key) && !isWireValue(entry[key])) {
      return fieldProblem('load', `${at}.${key}`, 'plain data', entry[key]);
    }
  }
  return undefined;
}

function loadProblem(m: WireRecord): Problem | undefined {
  const load = m.load;
  if (!isRecord(load)) return fieldProblem('load', 'load', 'an object', load);
  if (!isCount(load.connections)) {
    return fieldProblem('load', 'load.connections', 'a non-negative integer', load.connections);
  }
  if (!isCount(load.requests))
    return fieldProblem('load', 'load.requests', 'a non-negative integer', load.requests);
  for (const key in load) {
    if (!Object.hasOwn(load, key)) continue;
    const value = load[key];
    if (key === 'servers') {
      // Absent or undefined (a sender on `advanced` serialization may leave it so): totals only.
      if (value === undefined) continue;
      if (!Array.isArray(value)) return fieldProblem('load', 'load.servers', 'an array', value);
      for (let i = 0; i < value.length; i++) {
        const problem = serverLoadProblem(value[i], `load.servers[${i}]`);
        if (problem !== undefined) return problem;
      }
    } else if (!isFiniteNumber(value)) {
      return fieldProblem('load', `load.${key}`, 'a finite number', value);
    }
  }
  return undefined;
}

function idProblem(m: WireRecord, type: string): Problem | undefined {
  return isCount(m.id) ? undefined : fieldProblem(type, 'id', 'a non-negative integer', m.id);
}

function rpcErrorProblem(m: WireRecord): Problem | undefined {
  const error = m.error;
  if (!isRecord(error)) return fieldProblem('rpc-error', 'error', 'an object', error);
  if (typeof error.message !== 'string') {
    return fieldProblem('rpc-error', 'error.message', 'a string', error.message);
  }
  if (error.code !== undefined && typeof error.code !== 'string') {
    return fieldProblem('rpc-error', 'error.code', 'a string or undefined', error.code);
  }
  if (error.name !== undefined && typeof error.name !== 'string') {
    return fieldProblem('rpc-error', 'error.name', 'a string or undefined', error.name);
  }
  return undefined;
}

function metricsProblem(m: WireRecord): Problem | undefined {
  if (m.id !== undefined && !isCount(m.id))
    return fieldProblem('metrics', 'id', 'a non-negative integer', m.id);
  const metrics = m.metrics;
  if (!isRecord(metrics)) return fieldProblem('metrics', 'metrics', 'an object', metrics);
  for (const key in metrics) {
    if (Object.hasOwn(metrics, key) && !isWireValue(metrics[key])) {
      return fieldProblem(
        'metrics',
        `metrics.${key}`,
        'plain data (finite numbers, strings, arrays…)',
        metrics[key],
      );
    }
  }
  return undefined;
}

function extensionMessageProblem(raw: unknown): Problem | undefined {
  if (!isRecord(raw)) return malformed(`an extension message must be an object, got ${describeValue(raw)}`);
  if (raw.cmd !== SHOAL_CMD) {
    return malformed(`an extension message must have cmd "${SHOAL_CMD}", got ${describeValue(raw.cmd)}`);
  }
  const v = raw.v;
  if (!isProtocolVersion(v))
    return malformed(`extension message v must be a positive integer, got ${describeValue(v)}`);
  if (v !== SHOAL_PROTOCOL_VERSION) return versionProblem(v, raw.role);
  if (raw.seq !== undefined && !isCount(raw.seq)) {
    return malformed(`extension message seq must be a non-negative integer, got ${describeValue(raw.seq)}`);
  }
  const type = raw.type;
  switch (type) {
    case 'hello':
      return helloProblem(raw);
    case 'load':
      return loadProblem(raw);
    case 'ready':
      return undefined;
    case 'heartbeat':
      return isFiniteNumber(raw.timestamp)
        ? undefined
        : fieldProblem('heartbeat', 'timestamp', 'a finite number', raw.timestamp);
    case 'rpc-request':
      if (typeof raw.method !== 'string' || raw.method === '') {
        return fieldProblem('rpc-request', 'method', 'a non-empty string', raw.method);
      }
      return idProblem(raw, 'rpc-request');
    case 'rpc-response':
      return idProblem(raw, 'rpc-response');
    case 'rpc-error':
      return idProblem(raw, 'rpc-error') ?? rpcErrorProblem(raw);
    case 'metrics':
      return metricsProblem(raw);
    default:
      if (typeof type !== 'string')
        return malformed(`extension message type must be a string, got ${describeValue(type)}`);
      return {
        code: ProtocolErrorCode.UNKNOWN_KIND,
        message: `unknown extension message type ${describeValue(type)}`,
        details: { type },
      };
  }
}

/** Validates an extension-channel message. Never throws; on success returns `raw` itself. */
export function parseExtensionMessage(raw: unknown): ParseResult<ExtensionMessage> {
  return toParseResult<ExtensionMessage>(raw, extensionMessageProblem);
}

/** Type-guard form of {@link parseExtensionMessage}. */
export function isExtensionMessage(raw: unknown): raw is ExtensionMessage {
  return passes(raw, extensionMessageProblem);
}
