// The conformance harness's command line: parsed once into a plain options object, with the usage text.
import path from 'node:path';

export const usage = `Usage: pnpm conformance <test dir> [name filter ...] [options]

Runs Node's own cluster-related tests twice, once on node:cluster and once on @shoal/cluster
(packages/cluster/dist/index.js: build first with \`pnpm build\`), and compares the two runs.

<test dir>   a Node checkout's test/ folder, or a harvested folder holding common/, fixtures/,
             parallel/ (and maybe sequential/)
name filter  run only tests whose file name contains it (or matches it, with * as a wildcard)

Options:
  --node <path>        node binary to run the tests with (default: the node running this script)
  --jobs <n>           tests run at once (default 1); tests in sequential/ always run alone
  --timeout <seconds>  per-run timeout (default 60)
  --logs <dir>         where the per-test logs go (default: a new folder under the OS temp dir)
  --allow-fail <name>  a failure of this test does not make the exit status non-zero (repeatable)
  --keep               keep the temporary copies of the tests
  --help               this text`;

export class UsageError extends Error {}

function positiveInteger(flag, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got '${value}'`);
  return n;
}

/** Test names are compared without their extension, so `--allow-fail test-x` and `test-x.js` both work. */
export function testKey(name) {
  return name.replace(/\.(c|m)?js$/, '');
}

export function parseOptions(argv) {
  const options = {
    testDir: undefined,
    filters: [],
    node: process.execPath,
    jobs: 1,
    timeoutMs: 60_000,
    logs: undefined,
    allowFail: new Set(),
    keep: false,
    help: false,
  };
  const argumentOf = (i, flag) => {
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--node':
        options.node = path.resolve(argumentOf(i++, arg));
        break;
      case '--jobs':
        options.jobs = positiveInteger(arg, argumentOf(i++, arg));
        break;
      case '--timeout':
        options.timeoutMs = positiveInteger(arg, argumentOf(i++, arg)) * 1000;
        break;
      case '--logs':
        options.logs = path.resolve(argumentOf(i++, arg));
        break;
      case '--allow-fail':
        options.allowFail.add(testKey(argumentOf(i++, arg)));
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
        if (options.testDir === undefined) options.testDir = path.resolve(arg);
        else options.filters.push(arg);
    }
  }
  if (!options.help && options.testDir === undefined) throw new UsageError('missing <test dir>');
  return options;
}
