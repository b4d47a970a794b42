// Documented behaviour: the Worker 'exit' event, (code, signal). The primary tells apart a worker that
// finished cleanly, one that failed with a non-zero exit code and one that a signal terminated.
//
//   node apps/examples/src/worker-exit-event.js
//   EXIT_PLANS=fail,fail node apps/examples/src/worker-exit-event.js
//
// Each worker is forked with an EXIT_PLAN in its environment (cluster.fork(env)) and ends accordingly:
// "clean" exits with code 0, "fail" with code 3, "signal" sends itself SIGHUP. EXIT_PLANS lists the
// workers to start (default clean,fail,signal). The program ends when every worker has ended.
import process from 'node:process';
import cluster from '@shoal/cluster';
import { report } from './report.js';

const knownPlans = ['clean', 'fail', 'signal'];

if (cluster.isPrimary) {
  const plans = (process.env.EXIT_PLANS ?? knownPlans.join(',')).split(',');
  const unknown = plans.filter((plan) => !knownPlans.includes(plan));
  if (unknown.length > 0) {
    console.error(`EXIT_PLANS may only name ${knownPlans.join(', ')}; got ${unknown.join(', ')}`);
    process.exit(2);
  }

  for (const plan of plans) {
    const worker = cluster.fork({ EXIT_PLAN: plan });
    worker.on('exit', (code, signal) => {
      let verdict;
      if (signal) {
        verdict = 'signal';
        console.log(`worker #${worker.id} (${plan}) was stopped by ${signal}`);
      } else if (code !== 0) {
        verdict = 'error';
        console.log(`worker #${worker.id} (${plan}) failed, exit code ${code}`);
      } else {
        verdict = 'success';
        console.log(`worker #${worker.id} (${plan}) completed successfully`);
      }
      report('worker-exit', { id: worker.id, plan, code, signal, verdict });
    });
  }
} else {
  const plan = process.env.EXIT_PLAN;
  console.log(`worker #${cluster.worker.id} starting, plan: ${plan}`);
  // Give the worker one turn of the event loop, as if it did some work, then end as planned.
  setImmediate(() => {
    if (plan === 'signal') process.kill(process.pid, 'SIGHUP');
    else process.exit(plan === 'fail' ? 3 : 0);
  });
}
