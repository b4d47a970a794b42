// What the tests run with: the node binary's version, a clean environment, and the unprivileged user if any.
import { execFileSync, spawnSync } from 'node:child_process';

// Set by a parent cluster, a test runner or a shell: each would change how a test behaves.
const inherited = [
  'NODE_OPTIONS',
  'NODE_UNIQUE_ID',
  'NODE_CHANNEL_FD',
  'NODE_CHANNEL_SERIALIZATION_MODE',
  'NODE_SKIP_FLAG_CHECK',
  'NODE_TEST_DIR',
  'NODE_COMMON_PORT',
  'TEST_PARALLEL',
  'TEST_THREAD_ID',
  'TEST_SERIAL_ID',
  'FORCE_COLOR',
];

export function nodeVersion(node) {
  return execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
}

export function testEnvironment(version, base = process.env) {
  const env = { ...base };
  for (const name of inherited) delete env[name];
  // v20's common/ fails a test on globals it does not know; Node 22 and later define new ones (navigator,
  // sessionStorage), so the check is off there unless the caller chose otherwise.
  if (Number(version.split('.')[0]) >= 22 && base.NODE_TEST_KNOWN_GLOBALS === undefined) {
    env.NODE_TEST_KNOWN_GLOBALS = '0';
  }
  return env;
}

const nobody = 65534;

/**
 * As root, tests that refuse to run as root (privileged ports) run as uid/gid 65534 through setpriv, if that
 * user can run node and load @shoal/cluster. Returns the uid, or a reason why not.
 */
export function unprivilegedUser(node, shoalEntry) {
  if (process.getuid?.() !== 0) return { reason: 'not root' };
  const probe = spawnSync(
    'setpriv',
    [
      `--reuid=${nobody}`,
      `--regid=${nobody}`,
      '--clear-groups',
      node,
      '-e',
      `require(${JSON.stringify(shoalEntry)})`,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (probe.error) return { reason: `setpriv: ${probe.error.message}` };
  if (probe.status !== 0) {
    return {
      reason: `uid ${nobody} cannot run node and load @shoal/cluster: ${probe.stderr.trim().split('\n')[0]}`,
    };
  }
  return { uid: nobody };
}
