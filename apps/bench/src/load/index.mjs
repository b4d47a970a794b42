// HTTP load on 127.0.0.1 with wrk when it is on PATH (less CPU on 2 cores), else autocannon in a child
// process. Either way the result is one shape, including the generator's own CPU time so a saturated
// generator shows.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { ticksToMs } from '../proc-stat.mjs';

const wrkScript = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));
const autocannonChild = fileURLToPath(new URL('./autocannon-child.mjs', import.meta.url));

/** 'wrk' when it runs here, else 'autocannon'; `requested` forces one. */
export function pickGenerator(requested) {
  if (requested === 'autocannon') return { name: 'autocannon', version: autocannonVersion() };
  try {
    const banner = execFileSync('wrk', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { name: 'wrk', version: wrkVersion(banner) };
  } catch (error) {
    // `wrk -v` exits 1 after printing its banner.
    const banner = `${error.stdout ?? ''}`;
    if (/^wrk /m.test(banner)) return { name: 'wrk', version: wrkVersion(banner) };
    if (requested === 'wrk') throw new Error('wrk was asked for (--generator wrk) but is not on PATH');
    return { name: 'autocannon', version: autocannonVersion() };
  }
}

function wrkVersion(banner) {
  return /^wrk (\S+)/m.exec(banner)?.[1] ?? 'unknown';
}

function autocannonVersion() {
  try {
    return createRequire(import.meta.url)('autocannon/package.json').version;
  } catch {
    return 'unknown';
  }
}

/**
 * @param {{name: string}} generator from pickGenerator
 * @param {{port: number, connections: number, durationS: number, keepAlive: boolean, heavyEvery?: number}} load
 * @returns {Promise<{requests: number, rps: number, durationS: number, errors: number,
 *   latencyMs: {p50: number, p90: number, p99: number, max: number}, cpuMs: number, cpuShare: number}>}
 */
export async function runLoad(generator, load) {
  const result = generator.name === 'wrk' ? await runWrk(load) : await runAutocannon(load);
  result.rps = result.requests / result.durationS;
  // Share of one core the generator used while it ran: near 1 means wrk's one thread was saturated.
  result.cpuShare = result.cpuMs / 1000 / result.durationS;
  return result;
}

async function runChild(command, args, env, marker) {
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

async function runWrk({ port, connections, durationS, keepAlive, heavyEvery = 0 }) {
  const args = ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(durationS))}s`, '--timeout', '10s'];
  args.push('-s', wrkScript);
  if (!keepAlive) args.push('-H', 'Connection: close');
  args.push(`http://127.0.0.1:${port}/`);
  const raw = await runChild('wrk', args, { BENCH_HEAVY_EVERY: String(heavyEvery) }, 'WRK_JSON');
  const us = (value) => value / 1000;
  return {
    requests: raw.requests,
    durationS: raw.durationUs / 1e6,
    errors: raw.errors.connect + raw.errors.read + raw.errors.write + raw.errors.status + raw.errors.timeout,
    errorDetail: raw.errors,
    latencyMs: {
      p50: us(raw.latencyUs.p50),
      p90: us(raw.latencyUs.p90),
      p99: us(raw.latencyUs.p99),
      max: us(raw.latencyUs.max),
    },
    cpuMs: raw.utimeTicks >= 0 ? ticksToMs(raw.utimeTicks + raw.stimeTicks) : Number.NaN,
  };
}

async function runAutocannon({ port, connections, durationS, keepAlive, heavyEvery = 0 }) {
  const options = { url: `http://127.0.0.1:${port}/`, connections, durationS, keepAlive, heavyEvery };
  const raw = await runChild(
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
