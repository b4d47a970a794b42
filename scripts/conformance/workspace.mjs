// The temporary copies the tests run from: one as it is (node:cluster), one rewritten to load @shoal/cluster.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rewriteClusterReferences } from './rewrite.mjs';

const sourceFile = /\.(c|m)?js$/;

function copyTests(testDir, tests, dest) {
  for (const shared of ['common', 'fixtures']) {
    const from = path.join(testDir, shared);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dest, shared), { recursive: true });
  }
  for (const { dir, file } of tests) {
    fs.mkdirSync(path.join(dest, dir), { recursive: true });
    fs.copyFileSync(path.join(testDir, dir, file), path.join(dest, dir, file));
  }
}

function rewriteTree(dir, target) {
  let files = 0;
  let references = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !sourceFile.test(entry.name)) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const { text, count } = rewriteClusterReferences(fs.readFileSync(file, 'utf8'), target);
    if (count === 0) continue;
    fs.writeFileSync(file, text);
    files++;
    references += count;
  }
  return { files, references };
}

/**
 * Builds both copies under a new temporary folder, readable by everyone (privileged-port tests run as an
 * unprivileged user), and returns where they are plus a fresh per-run scratch folder for common/tmpdir.
 */
export function createWorkspace(testDir, tests, shoalEntry) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-conformance-'));
  fs.chmodSync(root, 0o755);
  const nodeCluster = path.join(root, 'node-cluster');
  const shoal = path.join(root, 'shoal');
  copyTests(testDir, tests, nodeCluster);
  copyTests(testDir, tests, shoal);
  const rewritten = rewriteTree(shoal, { cjsPath: shoalEntry, esmUrl: pathToFileURL(shoalEntry).href });
  const scratch = path.join(root, 'scratch');
  fs.mkdirSync(scratch, { mode: 0o755 });
  let runs = 0;
  return {
    root,
    dirs: { 'node-cluster': nodeCluster, shoal },
    rewritten,
    /** A new empty folder for one run's NODE_TEST_DIR, writable by the unprivileged user too. */
    scratchDir() {
      const dir = path.join(scratch, String(++runs));
      fs.mkdirSync(dir);
      fs.chmodSync(dir, 0o777);
      return dir;
    },
    dispose() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
