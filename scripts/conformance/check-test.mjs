// One selected test, end to end: run it on node:cluster, then (if that passed) on @shoal/cluster, and judge.
import fs from 'node:fs';
import path from 'node:path';
import { runTest } from './run-test.mjs';
import { judge, skipReason } from './verdict.mjs';

/**
 * `context`: { node, env, timeoutMs, workspace, logs, unprivilegedUid }.
 * `slotEnv`: extra environment for the slot the test runs in (parallel runs keep apart).
 */
export async function checkTest(test, context, slotEnv = {}) {
  const name = test.file.replace(/\.(c|m)?js$/, '');
  const runOnce = async (mode, asUser) => {
    const logPath = path.join(context.logs, mode, `${name}.log`);
    const scratch = context.workspace.scratchDir();
    try {
      const result = await runTest({
        node: context.node,
        cwd: path.join(context.workspace.dirs[mode], test.dir),
        file: test.file,
        env: { ...context.env, ...slotEnv, NODE_TEST_DIR: scratch },
        timeoutMs: context.timeoutMs,
        logPath,
        asUser,
      });
      return { ...result, logPath, log: fs.readFileSync(logPath, 'utf8') };
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  };

  let asUser;
  let baseline = await runOnce('node-cluster', asUser);
  // Privileged-port tests skip themselves as root: run them (both times) as the unprivileged user instead.
  if (context.unprivilegedUid !== undefined && /\broot\b/i.test(skipReason(baseline) ?? '')) {
    asUser = context.unprivilegedUid;
    baseline = await runOnce('node-cluster', asUser);
  }
  const baselineUsable = baseline.code === 0 && !baseline.timedOut && skipReason(baseline) === undefined;
  const shoal = baselineUsable ? await runOnce('shoal', asUser) : undefined;
  const verdict = judge({ baseline, shoal, timeoutMs: context.timeoutMs });
  if (asUser !== undefined) verdict.reason += ` (as uid ${asUser})`;
  return { name, file: test.file, ...verdict };
}
