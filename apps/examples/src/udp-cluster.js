// A UDP echo server (`node:dgram`) in cluster workers, on one shared port. A cluster does not hand datagrams
// out one by one as it does connections: the primary binds the socket once and every worker receives on that
// same socket, so the kernel gives each datagram to whichever worker reads first.
//
//   PORT=0 WORKERS=2 node apps/examples/src/udp-cluster.js
//   node -e "const s = require('node:dgram').createSocket('udp4');
//     s.on('message', (m) => { console.log(String(m)); s.close(); }); s.send('hello', <port>, '127.0.0.1')"
//
// Each datagram comes back to its sender as `worker <pid>: <what it said>`. SIGTERM or Ctrl-C disconnects the
// workers, which closes their sockets, and everything exits 0.
import dgram from 'node:dgram';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { stopOnSignals, watchWorkers } from './cluster-lifecycle.js';
import { portSetting, workerCountSetting } from './env.js';

const port = portSetting(41234);

if (cluster.isPrimary) {
  watchWorkers(cluster, 'udp');
  stopOnSignals(cluster);
  for (let n = 0; n < workerCountSetting(); n++) cluster.fork();
} else {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, from) => {
    socket.send(`worker ${process.pid}: ${message}`, from.port, from.address);
  });
  socket.bind(port, '127.0.0.1');
}
