// The Express 5 example both ways, with real HTTP clients: `express-app.js` under `shoal run` (a reload under
// load included) and forked by the facade's primary in `express-cluster.js`.
import { describeWebApp } from './web-app-scenarios.js';

describeWebApp('Express 5', 'express-app.js', 'express-cluster.js');
