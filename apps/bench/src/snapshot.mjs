// A frozen copy of the built packages and of the programs under test, so that a rebuild in the shared work
// tree during a long run (another engineer's `tsc -b`) cannot mix two builds in one set of figures.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packagesDir = path.resolve(here, '..', '..', '..', 'packages');
export const liveAppsDir = path.join(here, 'apps');

/** Hash of every file under each package's dist/: tells whether two builds are the same. */
export function buildFingerprint(root = packagesDir, layout = (name) => path.join(root, name, 'dist')) {
  const hash = createHash('sha256');
  const names = readdirSync(root).sort();
  for (const name of names) {
    const dist = layout(name);
    if (!existsSync(dist)) continue;
    for (const file of listFiles(dist)) {
      if (file.endsWith('.tsbuildinfo') || file.endsWith('.map')) continue;
      hash.update(`${name}/${path.relative(dist, file)}\0`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 12);
}

function listFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else files.push(full);
  }
  return files;
}

/**
 * Copies packages/<name>/{package.json,dist} to <tmp>/node_modules/@shoal/<name>, links their third-party
 * dependencies to where pnpm installed them, and copies src/apps/ to <tmp>/apps, where `@shoal/cluster`
 * now resolves to the copy.
 */
export function snapshotPackages() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-'));
  const scope = path.join(root, 'node_modules', '@shoal');
  mkdirSync(scope, { recursive: true });
  for (const name of readdirSync(packagesDir)) {
    const source = path.join(packagesDir, name);
    if (!existsSync(path.join(source, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8'));
    if (!manifest.name?.startsWith('@shoal/')) continue;
    if (!existsSync(path.join(source, 'dist'))) {
      throw new Error(`${manifest.name} has no dist/: build first (npx tsc -b at the root)`);
    }
    const target = path.join(scope, manifest.name.slice('@shoal/'.length));
    cpSync(path.join(source, 'dist'), path.join(target, 'dist'), { recursive: true });
    cpSync(path.join(source, 'package.json'), path.join(target, 'package.json'));
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const dep of Object.keys(deps)) {
      if (dep.startsWith('@shoal/')) continue;
      const installed = path.join(source, 'node_modules', dep);
      const link = path.join(root, 'node_modules', dep);
      if (!existsSync(installed) || existsSync(link)) continue; // an optional dependency may be absent
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(realpathSync(installed), link, 'dir');
    }
  }
  const appsDir = path.join(root, 'apps');
  cpSync(liveAppsDir, appsDir, { recursive: true });
  return {
    root,
    appsDir,
    fingerprint: buildFingerprint(scope, (name) => path.join(scope, name, 'dist')),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
