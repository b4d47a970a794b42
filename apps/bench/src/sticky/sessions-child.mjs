// Socket.IO sessions over HTTP long polling, in a process of its own (its CPU is measured apart from the runner):
// N clients (socket.io-client, transports ['polling'], no reconnection) connect at once and each sends M
// acknowledged emits one after the other, then disconnects. Prints one JSON line: sessions completed, errors by
// kind, acks, the time it all took, and this process's CPU time (during the sessions, and in all).
//   node sessions-child.mjs '{"url":"http://127.0.0.1:8000","clients":50,"emits":20,"timeoutMs":10000}'
import process from 'node:process';
import { io } from 'socket.io-client';

const options = JSON.parse(process.argv[2]);

/** One session: resolves with what happened (never rejects). */
function session(index) {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = io(options.url, {
      transports: ['polling'],
      reconnection: false,
      forceNew: true,
      timeout: options.timeoutMs,
    });
    let acked = 0;
    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      socket.off();
      socket.disconnect();
      resolve({ ...outcome, acked, ms: performance.now() - started });
    };
    socket.on('connect_error', (error) => finish({ error: `connect_error: ${error.message}` }));
    // A session that ends before its last ack: the transport failed (polling to a worker that has no such sid).
    socket.on('disconnect', (reason) => finish({ error: `disconnect: ${reason}` }));
    socket.on('connect', async () => {
      try {
        for (let m = 0; m < options.emits; m++) {
          const payload = `${index}:${m}`;
          const answer = await socket.timeout(options.timeoutMs).emitWithAck('echo', payload);
          if (answer !== payload) return finish({ error: 'wrong ack' });
          acked++;
        }
        finish({ ok: true });
      } catch (error) {
        finish({ error: settled ? 'after end' : `ack: ${error.message}` });
      }
    });
  });
}

const cpuBefore = process.cpuUsage();
const started = performance.now();
const outcomes = await Promise.all(Array.from({ length: options.clients }, (_, i) => session(i)));
const durationMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
// This process's whole CPU time, start-up included: the runner counts it apart from the rest of the machine.
const total = process.cpuUsage();

const errors = {};
for (const outcome of outcomes) {
  if (outcome.error) errors[outcome.error] = (errors[outcome.error] ?? 0) + 1;
}
const completedMs = outcomes
  .filter((outcome) => outcome.ok)
  .map((outcome) => outcome.ms)
  .sort((a, b) => a - b);
process.stdout.write(
  `SESSIONS_JSON ${JSON.stringify({
    clients: options.clients,
    emits: options.emits,
    completed: completedMs.length,
    failed: outcomes.length - completedMs.length,
    errors,
    acked: outcomes.reduce((sum, outcome) => sum + outcome.acked, 0),
    durationMs,
    sessionMs: {
      p50: completedMs[completedMs.length >> 1] ?? null,
      max: completedMs.at(-1) ?? null,
    },
    loadCpuMs: (cpu.user + cpu.system) / 1000,
    cpuMs: (total.user + total.system) / 1000,
  })}\n`,
);
process.exit(0);
