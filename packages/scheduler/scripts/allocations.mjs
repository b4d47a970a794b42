// Checks that the hot path allocates nothing: 5 million route → settle → connectionClosed cycles per strategy
// over 8 workers, counting garbage collections (there should be none).
//   npx tsc -b packages/scheduler && node packages/scheduler/scripts/allocations.mjs
import { PerformanceObserver } from 'node:perf_hooks';
import { Dispatcher, resolveStrategy } from '../dist/index.js';

const infos = Array.from({ length: 256 }, (_, i) => ({ key: 'server', remoteAddress: `10.0.0.${i}` }));
const connections = Array.from({ length: 256 }, (_, i) => ({ i }));
let collections = 0;
new PerformanceObserver((list) => {
  collections += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

for (const name of [
  'round-robin',
  'least-connections',
  'power-of-two',
  'weighted-round-robin',
  'consistent-hash',
]) {
  let target = 0;
  const dispatcher = new Dispatcher({
    strategy: resolveStrategy(name),
    handOff: (worker) => {
      target = worker;
    },
    close() {},
  });
  for (let id = 1; id <= 8; id++) dispatcher.addWorker(id);
  const cycles = (count) => {
    for (let i = 0; i < count; i++) {
      const connection = connections[i & 255];
      dispatcher.route(connection, infos[i & 255]);
      dispatcher.settle(target, connection, true);
      dispatcher.connectionClosed(target);
    }
  };
  cycles(100_000); // warm up: optimised code, grown arrays, remembered keys
  await new Promise((resolve) => setTimeout(resolve, 20));
  const before = collections;
  cycles(5_000_000);
  await new Promise((resolve) => setTimeout(resolve, 20));
  console.log(`${name}: ${collections - before} garbage collections in 5 000 000 cycles`);
}
