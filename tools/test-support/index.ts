export { type FixtureEvent, type FixtureOptions, ProcessFixture } from './process-fixture.js';
export { get, type Reply } from './http-client.js';
