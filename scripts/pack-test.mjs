#!/usr/bin/env node
// Pack test: proves that every publishable @shoal/* package works when installed on its own from npm.
//
//   1. builds the workspace (tsc -b);
//   2. packs every non-private package under packages/ with `pnpm pack` (which rewrites `workspace:*`
//      into real versions), exactly as a publish would;
//   3. checks that each tarball carries README.md and the repository's LICENSE (byte for byte), then
//      lints it with publint (--strict) and @arethetypeswrong/cli (--profile esm-only);
//   4. installs all the tarballs with plain `npm install` into a throwaway project under os.tmpdir(),
//      outside the workspace, so nothing can resolve through the monorepo's node_modules;
//   5. loads each package there from an ES module (`import`) and from a CommonJS file (`require`, which
//      Node >= 20.19 supports for ES modules) and checks that both see the same exports: the same export
//      names, or, for a package that exports `'module.exports'`, that `require` returns exactly that value.
//      An `export {}` skeleton passes by loading; real exports are compared by name.
//      With SHOAL_EXTRA_NODES (colon-separated node binaries) the loading step also runs on each of them.
//
// Usage: node scripts/pack-test.mjs [--keep]   (--keep leaves the temp dir for inspection)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// Not a turbo task: the environment it reads is its own business.
const { SHOAL_EXTRA_NODES = '' } = process.env;
const extraNodes = SHOAL_EXTRA_NODES.split(':').filter(Boolean);

class Failure extends Error {}

function run(cmd, args, opts = {}) {
  console.log(`$ ${[cmd, ...args].join(' ')}${opts.cwd && opts.cwd !== root ? `   (in ${opts.cwd})` : ''}`);
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (res.error) throw new Failure(`${cmd} could not be started: ${res.error.message}`);
  if (res.status !== 0) throw new Failure(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
  return res;
}

function publishablePackages() {
  const dir = path.join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(dir, d.name))
    .flatMap((pkgDir) => {
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
      } catch {
        return [];
      }
      return manifest.private ? [] : [{ dir: pkgDir, name: manifest.name, version: manifest.version }];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

// A published package must carry its README and the MIT licence; the licence must be the repository's own.
function checkLegalFiles(name, tgz) {
  const listing = spawnSync('tar', ['-tzf', tgz], { encoding: 'utf8' });
  if (listing.status !== 0) throw new Failure(`${name}: could not list ${tgz}`);
  const entries = new Set(listing.stdout.split('\n').filter(Boolean));
  for (const file of ['README.md', 'LICENSE']) {
    if (!entries.has(`package/${file}`)) throw new Failure(`${name}: the tarball has no ${file}`);
  }
  const packedLicense = spawnSync('tar', ['-xzOf', tgz, 'package/LICENSE'], { encoding: 'utf8' }).stdout;
  if (packedLicense !== readFileSync(path.join(root, 'LICENSE'), 'utf8'))
    throw new Failure(`${name}: the packed LICENSE differs from the repository's LICENSE`);
  console.log(`  ok ${name}: tarball contains README.md and LICENSE`);
}

// The programs that run inside the temp project. Each prints one JSON line: { name: exportNames | error }.
const esmCheck = `
const names = JSON.parse(process.argv[2]);
const out = {};
for (const name of names) {
  try {
    const ns = await import(name);
    out[name] = { keys: Object.keys(ns).sort(), hasModuleExports: 'module.exports' in ns };
  } catch (e) {
    out[name] = { error: String(e && e.stack || e) };
  }
}
console.log(JSON.stringify(out));
`;
const cjsCheck = `
'use strict';
const names = JSON.parse(process.argv[2]);
const out = {};
for (const name of names) {
  try {
    const m = require(name);
    const ok = m !== null && (typeof m === 'object' || typeof m === 'function');
    out[name] = ok
      ? { keys: Object.keys(m).sort(), isNamespace: Object.prototype.toString.call(m) === '[object Module]' }
      : { error: 'require() returned ' + String(m) };
  } catch (e) {
    out[name] = { error: String(e && e.stack || e) };
  }
}
console.log(JSON.stringify(out));
`;
// For a package that exports 'module.exports', require() must return that very value.
const sameValueCheck = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const names = JSON.parse(process.argv[2]);
const out = {};
for (const name of names) {
  const ns = await import(name);
  out[name] = require(name) === ns['module.exports'];
}
console.log(JSON.stringify(out));
`;

function runJson(node, file, names, cwd) {
  const res = spawnSync(node, [file, JSON.stringify(names)], { cwd, encoding: 'utf8' });
  if (res.stderr) process.stderr.write(res.stderr);
  if (res.status !== 0)
    throw new Failure(`${node} ${path.basename(file)} exited with ${res.status ?? res.signal}`);
  return JSON.parse(res.stdout.trim().split('\n').pop());
}

function checkLoading(node, project, names) {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n== loading every package with import and require on Node ${version} (${node})`);
  const esm = runJson(node, path.join(project, 'check-esm.mjs'), names, project);
  const cjs = runJson(node, path.join(project, 'check-cjs.cjs'), names, project);
  const withModuleExports = names.filter((n) => esm[n]?.hasModuleExports);
  const same = withModuleExports.length
    ? runJson(node, path.join(project, 'check-same.mjs'), withModuleExports, project)
    : {};
  const problems = [];
  for (const name of names) {
    const e = esm[name];
    const c = cjs[name];
    if (!e || e.error) problems.push(`${name}: import failed: ${e?.error ?? 'no result'}`);
    if (!c || c.error) problems.push(`${name}: require failed: ${c?.error ?? 'no result'}`);
    if (!e || e.error || !c || c.error) continue;
    let detail;
    if (e.hasModuleExports) {
      if (!same[name])
        problems.push(`${name}: require() did not return the module's 'module.exports' export`);
      detail = `require() returns its 'module.exports' export (${c.keys.length} own keys)`;
    } else {
      const a = e.keys.join(',');
      const b = c.keys.join(',');
      if (a !== b) problems.push(`${name}: import sees [${a}] but require sees [${b}]`);
      if (!c.isNamespace) problems.push(`${name}: require() did not return the module namespace`);
      detail = e.keys.length ? `${e.keys.length} exports: ${e.keys.join(', ')}` : 'loads (no exports yet)';
    }
    console.log(`  ok ${name}: ${detail}`);
  }
  if (problems.length)
    throw new Failure(`loading check failed on Node ${version}:\n  ${problems.join('\n  ')}`);
}

// A consumer type-checked with TypeScript's defaults (no automatic @types inclusion in TypeScript 6+): Shoal's own
// .d.ts files must bring in @types/node themselves, and its settings, Worker class and events must type-check.
const typesConsumer = `
import cluster, { Worker } from '@shoal/cluster';
import { strategyFactory } from '@shoal/scheduler';
cluster.setupPrimary({ strategy: 'least-connections', workerRuntime: true, weightOf: () => 1 });
cluster.setupPrimary({ strategy: strategyFactory('round-robin') });
// @ts-expect-error workerRuntime is a boolean
cluster.setupPrimary({ workerRuntime: 'yes' });
const forked = cluster.fork();
const isWorker: boolean = forked instanceof Worker;
cluster.on('shoal:load', (worker, load) => console.log(worker.id, load.connections, isWorker));
cluster.on('exit', (worker, code) => console.log(worker.id, code));
const keys: number = cluster.inspect?.().keys.length ?? 0;
console.log(keys);
`;
const typesConsumerConfig = {
  compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false },
  files: ['consumer.ts'],
};

function checkTypes(project) {
  console.log('\n== type-check a consumer with TypeScript defaults (no "types" option, skipLibCheck off)');
  writeFileSync(path.join(project, 'consumer.ts'), typesConsumer);
  writeFileSync(path.join(project, 'tsconfig.json'), `${JSON.stringify(typesConsumerConfig, null, 2)}\n`);
  const res = spawnSync(bin('tsc'), ['-p', project], { cwd: project, encoding: 'utf8' });
  const output = `${res.stdout}${res.stderr}`;
  if (res.status !== 0) throw new Failure(`the consumer does not type-check:\n${output}`);
  console.log('  ok consumer.ts type-checks against the installed packages');
}

// The `shoal` command as npm installs it: a bin link that runs (with its shebang) and answers --version.
function checkBin(project) {
  console.log('\n== the installed shoal command');
  const res = spawnSync(path.join(project, 'node_modules', '.bin', 'shoal'), ['--version'], {
    encoding: 'utf8',
  });
  if (res.status !== 0)
    throw new Failure(`shoal --version exited with ${res.status ?? res.signal}: ${res.stderr}`);
  console.log(`  ok shoal --version: ${res.stdout.trim()}`);
}

function main() {
  const packages = publishablePackages();
  if (!packages.length) throw new Failure('no publishable packages found under packages/');
  console.log(`pack test: ${packages.map((p) => p.name).join(', ')}`);

  console.log('\n== build');
  run('npx', ['-y', 'pnpm@10', 'run', 'build']);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'shoal-pack-test-'));
  try {
    const tarballs = path.join(tmp, 'tarballs');
    mkdirSync(tarballs);
    const packed = [];
    for (const pkg of packages) {
      console.log(`\n== ${pkg.name}: pack, publint, attw`);
      const before = new Set(readdirSync(tarballs));
      run('npx', ['-y', 'pnpm@10', 'pack', '--pack-destination', tarballs], { cwd: pkg.dir });
      const added = readdirSync(tarballs).filter((f) => !before.has(f) && f.endsWith('.tgz'));
      if (added.length !== 1) throw new Failure(`pnpm pack of ${pkg.name} produced ${added.length} tarballs`);
      const tgz = path.join(tarballs, added[0]);
      const manifest = JSON.parse(
        spawnSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }).stdout,
      );
      checkLegalFiles(pkg.name, tgz);
      const deps = JSON.stringify({ ...manifest.dependencies, ...manifest.peerDependencies });
      if (deps.includes('workspace:'))
        throw new Failure(`${pkg.name}: packed package.json still has workspace: ${deps}`);
      run(bin('publint'), ['run', tgz, '--strict']);
      run(bin('attw'), [tgz, '--profile', 'esm-only', '--no-emoji', '--no-color']);
      packed.push(tgz);
    }

    console.log('\n== install the tarballs with npm into a project outside the workspace');
    const project = path.join(tmp, 'project');
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'package.json'),
      `${JSON.stringify({ name: 'shoal-pack-test-consumer', version: '0.0.0', private: true }, null, 2)}\n`,
    );
    // @types/node as a user of node:cluster has it (the version this workspace builds against).
    const typesNode = JSON.parse(
      readFileSync(path.join(root, 'node_modules/@types/node/package.json'), 'utf8'),
    ).version;
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', ...packed, `@types/node@${typesNode}`],
      {
        cwd: project,
      },
    );
    writeFileSync(path.join(project, 'check-esm.mjs'), esmCheck);
    writeFileSync(path.join(project, 'check-cjs.cjs'), cjsCheck);
    writeFileSync(path.join(project, 'check-same.mjs'), sameValueCheck);

    const names = packages.map((p) => p.name);
    for (const node of [process.execPath, ...extraNodes]) checkLoading(node, project, names);
    checkTypes(project);
    checkBin(project);
  } finally {
    if (keep) console.log(`\n(kept ${tmp})`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  console.log(
    `\npack test passed: ${packages.length} packages packed, linted, installed, loaded and type-checked`,
  );
}

try {
  main();
} catch (e) {
  if (!(e instanceof Failure)) throw e;
  console.error(`\npack test FAILED: ${e.message}`);
  process.exitCode = 1;
}
