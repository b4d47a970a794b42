export { connects, freePort } from './free-port.js';
export {
  type Haproxy,
  type HaproxyPlaces,
  type HaproxyStat,
  haproxyBinary,
  startHaproxy,
} from './haproxy.js';
export { get, type Reply } from './http-client.js';
export { type LoadOptions, type LoadResult, type RunningLoad, startLoad } from './http-load.js';
export { pollUntil } from './poll.js';
export { type FixtureEvent, type FixtureOptions, ProcessFixture } from './process-fixture.js';
export { type Redis, redisBinary, startRedis } from './redis.js';
export { findBinary, requireBinary, ServerProcess } from './server-process.js';
export { datagram, type Greeting, greet, greeting, refused } from './tcp-client.js';
