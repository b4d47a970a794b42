// Turns a test's two runs (node:cluster, then @shoal/cluster) into PASS, FAIL or SKIP with a reason.
import { errorsNotIn } from './signature.mjs';

const skipMark = /^1\.\.0 # Skipped:?\s*(.*)$/m;

/** The reason a test gave for skipping itself, or undefined when it did not. */
export function skipReason(run) {
  if (run.code !== 0) return undefined;
  const match = skipMark.exec(run.log);
  return match ? match[1].trim() || 'skipped' : undefined;
}

export function describeExit(run, timeoutMs) {
  if (run.timedOut) return `timeout ${timeoutMs / 1000}s`;
  if (run.signal) return `killed by ${run.signal}`;
  if (run.code === null) return 'could not start';
  return `exit ${run.code}`;
}

/** `baseline` and `shoal` are runs ({ code, signal, timedOut, log, logPath }); `shoal` is absent when not run. */
export function judge({ baseline, shoal, timeoutMs }) {
  if (baseline.code !== 0 || baseline.timedOut) {
    return {
      status: 'SKIP',
      reason: `fails on node:cluster: ${describeExit(baseline, timeoutMs)}; log: ${baseline.logPath}`,
    };
  }
  const skipped = skipReason(baseline);
  if (skipped !== undefined) return { status: 'SKIP', reason: `${skipped}; log: ${baseline.logPath}` };
  const newErrors = errorsNotIn(shoal.log, baseline.log);
  if (shoal.code !== 0 || shoal.timedOut) {
    const cause = newErrors.length > 0 ? `; first new error: ${newErrors[0]}` : '';
    return { status: 'FAIL', reason: `${describeExit(shoal, timeoutMs)}${cause}; log: ${shoal.logPath}` };
  }
  const shoalSkipped = skipReason(shoal);
  if (shoalSkipped !== undefined) {
    return { status: 'FAIL', reason: `skipped itself only on Shoal: ${shoalSkipped}; log: ${shoal.logPath}` };
  }
  if (newErrors.length > 0) {
    return { status: 'FAIL', reason: `hidden error: ${newErrors[0]}; log: ${shoal.logPath}` };
  }
  return { status: 'PASS', reason: `${(baseline.ms / 1000).toFixed(1)}s / ${(shoal.ms / 1000).toFixed(1)}s` };
}
