export { get, type Reply } from './http-client.js';
export { type LoadOptions, type LoadResult, type RunningLoad, startLoad } from './http-load.js';
export { type FixtureEvent, type FixtureOptions, ProcessFixture } from './process-fixture.js';
export { datagram, type Greeting, greet, greeting, refused } from './tcp-client.js';
