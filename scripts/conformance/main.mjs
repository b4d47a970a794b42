#!/usr/bin/env node
// `pnpm conformance <test dir>`: Node's own cluster tests on node:cluster and on @shoal/cluster, compared.
// Prints one line per test and ends with "N skipped" and "P passed, F failed"; exit 0 when nothing failed
// (or only tests named by --allow-fail), 1 when something did, 2 when it could not run at all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTest } from './check-test.mjs';
import { nodeVersion, testEnvironment, unprivilegedUser } from './environment.mjs';
import { parseOptions, testKey, UsageError, usage } from './options.mjs';
import { killAllRuns } from './run-test.mjs';
import { runAll } from './schedule.mjs';
import { matchesFilters, resolveTestDir, selectionRule, selectTests } from './select.mjs';
import { createWorkspace } from './workspace.mjs';

const shoalEntry = fileURLToPath(new URL('../../packages/cluster/dist/index.js', import.meta.url));

class SetupError extends Error {}

function prepare(options) {
  const testDir = resolveTestDir(options.testDir);
  if (testDir === undefined) {
    throw new SetupError(
      `${options.testDir} holds no common/ and parallel/: give a Node checkout's test/ folder`,
    );
  }
  if (!fs.existsSync(shoalEntry)) throw new SetupError(`${shoalEntry} is missing: build first (pnpm build)`);
  let version;
  try {
    version = nodeVersion(options.node);
  } catch (error) {
    throw new SetupError(`cannot run ${options.node}: ${error.message}`);
  }
  const cluster = selectTests(testDir);
  const tests = cluster.filter((test) => matchesFilters(test.file, options.filters));
  if (tests.length === 0) throw new SetupError('no test matches the name filters');
  return { testDir, version, cluster, tests };
}

async function main(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(usage);
    return 0;
  }
  const { testDir, version, cluster, tests } = prepare(options);
  const logs = options.logs ?? fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-conformance-logs-'));
  for (const mode of ['node-cluster', 'shoal']) fs.mkdirSync(path.join(logs, mode), { recursive: true });

  console.log(`Selected ${cluster.length} cluster-related tests in ${testDir}`);
  console.log(`  (${selectionRule})`);
  if (tests.length !== cluster.length) console.log(`Running ${tests.length} of them (name filters)`);
  console.log(`Node ${version} (${options.node}); @shoal/cluster from ${shoalEntry}`);

  const workspace = createWorkspace(testDir, tests, shoalEntry);
  const interrupted = (signal) => {
    killAllRuns();
    if (!options.keep) workspace.dispose();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const user = unprivilegedUser(options.node, shoalEntry);
    console.log(
      `Rewrote ${workspace.rewritten.references} cluster reference(s) in ${workspace.rewritten.files} file(s); ` +
        `${options.jobs} at a time, timeout ${options.timeoutMs / 1000}s per run; logs in ${logs}`,
    );
    if (user.uid !== undefined) console.log(`Tests that skip as root run as uid/gid ${user.uid}`);
    else if (process.getuid?.() === 0) console.log(`Tests that skip as root stay skipped: ${user.reason}`);

    const context = {
      node: options.node,
      env: testEnvironment(version),
      timeoutMs: options.timeoutMs,
      workspace,
      logs,
      unprivilegedUid: user.uid,
    };
    const results = await runAll(
      tests,
      options.jobs,
      (test, slotEnv) => checkTest(test, context, slotEnv),
      (result) => {
        const allowed =
          result.status === 'FAIL' && options.allowFail.has(testKey(result.name)) ? ' [allowed]' : '';
        console.log(`${result.status} ${result.file} (${result.reason})${allowed}`);
      },
    );

    const count = (status) => results.filter((result) => result.status === status).length;
    const failed = results.filter((result) => result.status === 'FAIL');
    const blocking = failed.filter((result) => !options.allowFail.has(testKey(result.name)));
    if (failed.length > blocking.length) {
      const names = failed.filter((result) => !blocking.includes(result)).map((result) => result.file);
      console.log(`Allowed to fail: ${names.join(', ')}`);
    }
    if (options.keep) console.log(`Kept the test copies in ${workspace.root}`);
    console.log(`${count('SKIP')} skipped`);
    console.log(`${count('PASS')} passed, ${failed.length} failed`);
    return blocking.length === 0 ? 0 : 1;
  } finally {
    if (!options.keep) workspace.dispose();
  }
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error) => {
    if (error instanceof UsageError) console.error(`conformance: ${error.message}\n\n${usage}`);
    else if (error instanceof SetupError) console.error(`conformance: ${error.message}`);
    else console.error(error);
    process.exitCode = 2;
  },
);
