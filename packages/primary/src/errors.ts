// Errors the primary throws where node:cluster throws, with Node's own `ERR_*` codes and messages (built in
// `@shoal/protocol/node-errors`, the one home of Shoal's Node-style errors).
export {
  type CodedError,
  describeReceived,
  errInternalAssertion,
  errInvalidArgType,
  errInvalidArgValue,
  errSocketBadPort,
} from '@shoal/protocol/node-errors';
