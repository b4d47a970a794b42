// Worker script of setup-primary.js (run it through that program, not directly): reports the arguments
// it was started with, then disconnects from the primary and ends.
import process from 'node:process';
import cluster from '@shoal/cluster';
import { report } from './report.js';

const args = process.argv.slice(2);
const flag = args.indexOf('--use');
const protocol = flag === -1 ? 'none' : args[flag + 1];

console.log(`worker #${cluster.worker.id} would serve ${protocol}`);
report('worker-started', {
  id: cluster.worker.id,
  isWorker: cluster.isWorker,
  script: process.argv[1],
  args,
  protocol,
  stdoutIsTTY: process.stdout.isTTY === true,
});
cluster.worker.disconnect();
