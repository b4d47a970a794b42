/// <reference types="node" preserve="true" />
// Public API of @shoal/protocol: Node's cluster wire protocol, typed, and Shoal's extension channel.
export { NODE_CLUSTER_CMD, SHOAL_CMD, SHOAL_PROTOCOL_VERSION } from './constants.js';
export { isProtocolError, ProtocolError, ProtocolErrorCode, type ProtocolErrorOptions } from './errors.js';
export type {
  ExtensionEnvelope,
  ExtensionMessage,
  ExtensionMessageType,
  HeartbeatMessage,
  HelloMessage,
  LoadCounts,
  LoadMessage,
  LoadReport,
  MetricsMessage,
  ReadyMessage,
  RemoteErrorInfo,
  Role,
  RpcErrorMessage,
  RpcRequestMessage,
  RpcResponseMessage,
  ServerLoad,
  WireValue,
} from './extension.js';
export { isShoalMessage } from './extension.js';
export {
  heartbeatMessage,
  helloMessage,
  loadMessage,
  metricsMessage,
  readyMessage,
  rpcErrorMessage,
  rpcRequestMessage,
  rpcResponseMessage,
  toRemoteErrorInfo,
} from './extension-builders.js';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  ExtensionChannel,
  type ExtensionChannelEvents,
  type ExtensionChannelOptions,
  type PeerInfo,
  type RequestOptions,
  type RpcContext,
  type RpcHandler,
} from './extension-channel.js';
export { isExtensionMessage, parseExtensionMessage } from './extension-parse.js';
export { versionMismatchError } from './extension-version.js';
export type {
  AckMessage,
  AddressType,
  CloseMessage,
  ClusterEnvelope,
  DisconnectMessage,
  ExitedAfterDisconnectMessage,
  ListeningMessage,
  NewConnMessage,
  NewConnReply,
  OnlineMessage,
  PrimaryMessage,
  QueryServerMessage,
  QueryServerReply,
  ServerQueryFields,
  SocketName,
  WorkerMessage,
} from './node-wire.js';
export { isClusterMessage } from './node-wire.js';
export {
  isPrimaryMessage,
  isWorkerMessage,
  parsePrimaryMessage,
  parseWorkerMessage,
} from './node-wire-parse.js';
export type { ParseResult } from './parse-result.js';
export { type PendingRequest, type PendingRequestOptions, PendingRequests } from './pending-requests.js';
export type { RpcMethods, RpcParams, RpcResult } from './rpc-methods.js';
export type { Transport } from './transport.js';
export { isWireValue } from './wire-value.js';
