// Error lines of a test log, made comparable across runs, and the ones only one of two logs shows.

// An error or exception printed by any process of the test (a worker's uncaught exception or assertion
// reaches the log even when the primary exits 0), or common.mustCall's complaints.
const errorLine =
  /(Error|Exception)( \[[A-Z0-9_]+\])?: |Uncaught|should not have been called|Mismatched|mustCall|Assertion failed/;

/** Paths, file URLs and numbers (ports, pids, ids, line numbers) differ between runs: make them neutral. */
export function normaliseErrorLine(line) {
  return line
    .trim()
    .replace(/(file:\/\/)?\/[^\s:)'"`]*/g, '<path>')
    .replace(/\d+/g, 'N');
}

/** Each error signature of a log, with the first line that showed it. */
export function errorSignatures(log) {
  const signatures = new Map();
  for (const line of log.split('\n')) {
    if (!errorLine.test(line)) continue;
    const signature = normaliseErrorLine(line);
    if (!signatures.has(signature)) signatures.set(signature, line.trim());
  }
  return signatures;
}

/** The error lines of `log` whose signature `baselineLog` does not show, in the order they first appear. */
export function errorsNotIn(log, baselineLog) {
  const baseline = errorSignatures(baselineLog);
  return [...errorSignatures(log)].filter(([signature]) => !baseline.has(signature)).map(([, line]) => line);
}
