// Shared by the examples (not an example itself): machine-readable progress for the tests.
//
// With EXAMPLE_EVENTS=1 in the environment, every report() prints one JSON line on stdout,
// {"event": name, "pid": <this process>, ...fields}, next to the human-readable text the example prints
// anyway. Workers inherit the variable (cluster.fork passes the primary's environment on), so the primary
// and its workers report into the same stream. Without the variable, report() prints nothing.
import process from 'node:process';

const enabled = process.env.EXAMPLE_EVENTS === '1';

export function report(event, fields = {}) {
  if (!enabled) return;
  process.stdout.write(`${JSON.stringify({ event, pid: process.pid, ...fields })}\n`);
}
