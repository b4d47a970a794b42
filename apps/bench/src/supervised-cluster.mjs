// Starting the supervised program under test (src/apps/supervised-app.mjs) in its own process group, and
// sending it commands that carry fields; AppProcess kills the group at the end, however the run ends.
import net from 'node:net';
import path from 'node:path';
import { AppProcess } from './app-process.mjs';

/** A port free right now: replacements listen on the same fixed port as the workers they replace. */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The supervised cluster of http-app.mjs workers: `workers` of them, round robin. */
export async function startSupervised(config, { workers, heartbeatMs } = {}) {
  return new AppProcess(path.join(config.appsDir, 'supervised-app.mjs'), {
    env: {
      // What the workers import: the same as on an unsupervised @shoal/cluster primary.
      CLUSTER_MODULE: '@shoal/cluster',
      NODE_CLUSTER_SCHED_POLICY: 'rr',
      WORKERS: String(workers),
      PORT: String(await freePort()),
      ...(heartbeatMs === undefined ? {} : { HEARTBEAT_MS: String(heartbeatMs) }),
    },
    nodeArgs: config.primaryNodeArgs ?? [],
  });
}

/** Sends `{cmd, ...fields}` and waits for the `reply` event (earlier events of that name are dropped). */
export function command(app, fields, reply, timeoutMs = 20_000) {
  app.events = app.events.filter((event) => event.event !== reply);
  app.child.stdin.write(`${JSON.stringify(fields)}\n`);
  return app.waitFor(reply, timeoutMs);
}

/** Every event named `name` this process printed (the cluster is fresh for each run). */
export function named(app, name) {
  return app.events.filter((event) => event.event === name);
}
