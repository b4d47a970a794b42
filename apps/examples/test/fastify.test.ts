// The Fastify 5 example both ways, with real HTTP clients: `fastify-app.js` under `shoal run` (a reload under
// load included) and forked by the facade's primary in `fastify-cluster.js`.
import { describeWebApp } from './web-app-scenarios.js';

describeWebApp('Fastify 5', 'fastify-app.js', 'fastify-cluster.js');
