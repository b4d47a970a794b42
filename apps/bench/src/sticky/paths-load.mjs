// Churn load over many paths for the sticky comparison: every request on a new connection (`Connection: close`),
// each on the next of a list of paths (`/?sid=<id>`), by wrk (wrk-paths.lua) or autocannon in a child process;
// the result has runLoad's shape (load/index.mjs), the generator's own CPU time included.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { ticksToMs } from '../proc-stat.mjs';

const wrkScript = fileURLToPath(new URL('./wrk-paths.lua', import.meta.url));
const reportScript = fileURLToPath(new URL('../load/wrk-report.lua', import.meta.url));
const autocannonChild = fileURLToPath(new URL('./autocannon-paths-child.mjs', import.meta.url));

async function resultLine(command, args, env, marker) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'exit');
  const line = stdout.split('\n').find((text) => text.startsWith(marker));
  if (line === undefined)
    throw new Error(`${command} exited with ${code} and no result:\n${stdout}\n${stderr}`);
  return JSON.parse(line.slice(marker.length + 1));
}

async function runWrk({ port, connections, durationS, paths }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-paths-'));
  try {
    const pathsFile = path.join(dir, 'paths.txt');
    writeFileSync(pathsFile, `${paths.join('\n')}\n`);
    const args = ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(durationS))}s`, '--timeout', '10s'];
    args.push('-s', wrkScript, '-H', 'Connection: close', `http://127.0.0.1:${port}/`);
    const env = { BENCH_PATHS_FILE: pathsFile, BENCH_REPORT_LUA: reportScript, BENCH_HEAVY_EVERY: '0' };
    const raw = await resultLine('wrk', args, env, 'WRK_JSON');
    const ms = (us) => us / 1000;
    return {
      requests: raw.requests,
      durationS: raw.durationUs / 1e6,
      errors:
        raw.errors.connect + raw.errors.read + raw.errors.write + raw.errors.status + raw.errors.timeout,
      errorDetail: raw.errors,
      latencyMs: {
        p50: ms(raw.latencyUs.p50),
        p90: ms(raw.latencyUs.p90),
        p99: ms(raw.latencyUs.p99),
        max: ms(raw.latencyUs.max),
      },
      cpuMs: raw.utimeTicks >= 0 ? ticksToMs(raw.utimeTicks + raw.stimeTicks) : Number.NaN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAutocannon({ port, connections, durationS, paths }) {
  const options = { url: `http://127.0.0.1:${port}`, connections, durationS, paths };
  const raw = await resultLine(
    process.execPath,
    [autocannonChild, JSON.stringify(options)],
    {},
    'AUTOCANNON_JSON',
  );
  return {
    requests: raw.requests,
    durationS: raw.durationS,
    errors: raw.errors + raw.timeouts + raw.non2xx,
    errorDetail: { errors: raw.errors, timeouts: raw.timeouts, non2xx: raw.non2xx },
    latencyMs: raw.latencyMs,
    cpuMs: raw.cpuMs,
  };
}

/**
 * @param {{name: string}} generator from pickGenerator
 * @param {{port: number, connections: number, durationS: number, paths: string[]}} load
 */
export async function runPathsLoad(generator, load) {
  const result = generator.name === 'wrk' ? await runWrk(load) : await runAutocannon(load);
  result.rps = result.requests / result.durationS;
  result.cpuShare = result.cpuMs / 1000 / result.durationS;
  return result;
}
