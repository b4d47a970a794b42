// PM2 for the `pm2` scenario, installed from the npm registry on first use into a cache folder outside the
// workspace (never a dependency of it: CI must not install PM2), one folder per version.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The version the figures were taken with (the issue measured 7.0.4); SHOAL_BENCH_PM2_VERSION overrides. */
export const PM2_VERSION = process.env.SHOAL_BENCH_PM2_VERSION ?? '7.0.4';

export function pm2CacheDir(env = process.env) {
  const base = env.SHOAL_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'shoal-bench');
  return path.join(base, 'pm2');
}

/**
 * Installs pm2@`version` under the cache unless it is there already; returns the path of its CLI script
 * (run with this Node, so the daemon and its workers run the same Node as Shoal) and the version installed.
 */
export function ensurePm2({ version = PM2_VERSION, log = () => {} } = {}) {
  const dir = path.join(pm2CacheDir(), version);
  const manifest = path.join(dir, 'node_modules', 'pm2', 'package.json');
  if (!existsSync(manifest)) {
    log(`installing pm2@${version} into ${dir} (first use)`);
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `pm2@${version}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  const installed = JSON.parse(readFileSync(manifest, 'utf8')).version;
  return { bin: path.join(dir, 'node_modules', 'pm2', 'bin', 'pm2'), version: installed, dir };
}
