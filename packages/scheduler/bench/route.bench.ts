// The cost of one routing decision, per strategy, at 2, 8 and 64 workers:
//   npx vitest bench --project scheduler --run
// "pick" calls the strategy alone on the dispatcher's live views; "route" is a whole dispatcher cycle
// (route → handOff → settle accepted → connectionClosed), as the primary drives it per connection.
import { bench, describe } from 'vitest';
import {
  type ConnectionInfo,
  ConsistentHashStrategy,
  Dispatcher,
  resolveStrategy,
  type Strategy,
} from '../src/index.js';

const sizes = [2, 8, 64];
const strategies: Record<string, () => Strategy> = {
  'round-robin': () => resolveStrategy('round-robin'),
  'least-connections': () => resolveStrategy('least-connections'),
  'power-of-two': () => resolveStrategy('power-of-two'),
  'weighted-round-robin': () => resolveStrategy('weighted-round-robin'),
  'consistent-hash (4096 known clients)': () => resolveStrategy('consistent-hash'),
  'consistent-hash (every client new)': () => new ConsistentHashStrategy({ maxKeys: 0 }),
};

// Built once: the primary builds one info per connection too, so that allocation is not the strategy's.
const infos: ConnectionInfo[] = Array.from({ length: 4096 }, (_, i) => ({
  key: 'server',
  remoteAddress: `10.1.${i >> 8}.${i & 255}`,
  remotePort: 40_000 + (i % 20_000),
}));

function setUp(makeStrategy: () => Strategy, workers: number) {
  let handedTo = 0;
  const dispatcher = new Dispatcher<number>({
    strategy: makeStrategy(),
    handOff: (worker) => {
      handedTo = worker;
    },
    close: () => {},
  });
  for (let id = 1; id <= workers; id++) {
    dispatcher.addWorker(id, { weight: 1 + (id % 3) });
    dispatcher.reportLoad(id, { connections: (id * 7) % 13, requests: 0 });
  }
  return { dispatcher, strategy: dispatcher.strategy, handedTo: () => handedTo };
}

for (const [name, makeStrategy] of Object.entries(strategies)) {
  describe(name, () => {
    for (const size of sizes) {
      const pickSetup = setUp(makeStrategy, size);
      const views = pickSetup.dispatcher.workers;
      let i = 0;
      bench(
        `pick, ${size} workers`,
        () => {
          pickSetup.strategy.pick(infos[i++ & 4095] as ConnectionInfo, views);
        },
        { time: 300 },
      );

      const routeSetup = setUp(makeStrategy, size);
      let n = 0;
      bench(
        `route, ${size} workers`,
        () => {
          const connection = n++;
          routeSetup.dispatcher.route(connection, infos[connection & 4095] as ConnectionInfo);
          const worker = routeSetup.handedTo();
          routeSetup.dispatcher.settle(worker, connection, true);
          routeSetup.dispatcher.connectionClosed(worker);
        },
        { time: 300 },
      );
    }
  });
}
