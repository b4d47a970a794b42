// Documented behaviour: cluster.setupPrimary() with exec, args and silent, the 'setup' event it emits,
// and cluster.settings. Two workers run a separate script (setup-primary-worker.js): the first with
// `--use https`, the second with `--use http`. Settings accumulate: the second call does not mention
// `silent`, so the value from the first call (true) still holds and both workers are silent. A silent
// worker's output goes to a pipe the primary reads, not to the terminal; the primary relays it prefixed.
//
//   node apps/examples/src/setup-primary.js
//
// The workers only report how they were started and then disconnect, so the program ends by itself.
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import cluster from '@shoal/cluster';
import { report } from './report.js';

// Node's example uses a relative path ('worker.js', resolved from the current directory); this one
// points at the worker script next to this file so it runs from anywhere.
const workerScript = fileURLToPath(new URL('./setup-primary-worker.js', import.meta.url));

const relayOutput = (worker) => {
  if (!worker.process.stdout) return; // not silent: the worker writes to our stdout directly
  createInterface({ input: worker.process.stdout }).on('line', (line) => {
    console.log(`[worker #${worker.id}] ${line}`);
    report('relayed', { id: worker.id, line });
  });
};

report('settings-before', { settings: cluster.settings });

cluster.on('setup', (settings) => {
  console.log(`setup: ${JSON.stringify(settings)}`);
  report('setup', { settings });
});

cluster.setupPrimary({ exec: workerScript, args: ['--use', 'https'], silent: true });
const secure = cluster.fork();
cluster.setupPrimary({ exec: workerScript, args: ['--use', 'http'] });
const plain = cluster.fork();

report('settings-after', { settings: cluster.settings, ids: { https: secure.id, http: plain.id } });

for (const worker of [secure, plain]) {
  relayOutput(worker);
  worker.on('exit', (code, signal) => report('exit', { id: worker.id, code, signal }));
}
