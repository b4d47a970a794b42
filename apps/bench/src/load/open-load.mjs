// HTTP load that runs until it is told to stop (not for a set time): the generator the bench picked (wrk, or
// autocannon in a child of its own), ended by SIGINT, after which it reports the same shape as runLoad().
// The supervision scenarios use it to load a cluster for exactly as long as its reloads take.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { ticksToMs } from '../proc-stat.mjs';

const wrkScript = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));
const autocannonChild = fileURLToPath(new URL('./autocannon-open-child.mjs', import.meta.url));
// Longer than any run: the load ends with stop(), this is only a bound should the runner be lost.
const CEILING_S = 600;

/** `stdbuf -oL` where it exists, so wrk's banner (its sign that it runs) is not held in a pipe's buffer. */
let lineBuffered;
function lineBuffer(command, args) {
  if (lineBuffered === undefined) {
    try {
      execFileSync('stdbuf', ['--version'], { stdio: 'ignore' });
      lineBuffered = true;
    } catch {
      lineBuffered = false;
    }
  }
  return lineBuffered ? ['stdbuf', ['-oL', command, ...args]] : [command, args];
}

/**
 * Starts `load` ({port, connections, keepAlive}) on `generator` ({name} from pickGenerator). Resolves once the
 * generator runs; `stop()` ends it and resolves with {requests, rps, durationS, errors, errorDetail,
 * latencyMs, cpuMs, cpuShare}.
 */
export async function startOpenLoad(generator, { port, connections, keepAlive }) {
  const url = `http://127.0.0.1:${port}/`;
  const [command, args, marker] =
    generator.name === 'wrk'
      ? [
          'wrk',
          [
            '-t1',
            `-c${connections}`,
            `-d${CEILING_S}s`,
            '--timeout',
            '10s',
            '-s',
            wrkScript,
            ...(keepAlive ? [] : ['-H', 'Connection: close']),
            url,
          ],
          'WRK_JSON',
        ]
      : [
          process.execPath,
          [autocannonChild, JSON.stringify({ url, connections, durationS: CEILING_S, keepAlive })],
          'AUTOCANNON_JSON',
        ];
  const [program, argv] = generator.name === 'wrk' ? lineBuffer(command, args) : [command, args];
  // stdbuf execs wrk in its own place: the pid signalled below is wrk's.
  const child = spawn(program, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit');
  // Should the runner fail before stop(), the generator must not outlive it.
  const onExit = () => child.kill('SIGKILL');
  process.on('exit', onExit);
  // Both print a line once they are under way (wrk its banner; the autocannon child its own). Without stdbuf,
  // wrk's banner stays buffered: its start is then not awaited (it connects within milliseconds).
  await new Promise((resolve, reject) => {
    const check = () => {
      if (stdout.includes('\n') || (generator.name === 'wrk' && !lineBuffered)) resolve();
    };
    child.stdout.on('data', check);
    exited.then(([code]) =>
      reject(new Error(`${command} exited with ${code} at start:\n${stdout}\n${stderr}`)),
    );
    check();
  });
  return {
    async stop() {
      child.kill('SIGINT');
      const [code] = await exited;
      process.off('exit', onExit);
      const line = stdout.split('\n').find((text) => text.startsWith(marker));
      if (line === undefined)
        throw new Error(`${command} exited with ${code} and no result:\n${stdout}\n${stderr}`);
      const raw = JSON.parse(line.slice(marker.length + 1));
      const result = generator.name === 'wrk' ? fromWrk(raw) : fromAutocannon(raw);
      result.rps = result.requests / result.durationS;
      result.cpuShare = result.cpuMs / 1000 / result.durationS;
      return result;
    },
  };
}

function fromWrk(raw) {
  const ms = (us) => us / 1000;
  return {
    requests: raw.requests,
    durationS: raw.durationUs / 1e6,
    errors: raw.errors.connect + raw.errors.read + raw.errors.write + raw.errors.status + raw.errors.timeout,
    errorDetail: raw.errors,
    latencyMs: {
      p50: ms(raw.latencyUs.p50),
      p90: ms(raw.latencyUs.p90),
      p99: ms(raw.latencyUs.p99),
      max: ms(raw.latencyUs.max),
    },
    cpuMs: raw.utimeTicks >= 0 ? ticksToMs(raw.utimeTicks + raw.stimeTicks) : Number.NaN,
  };
}

function fromAutocannon(raw) {
  return {
    requests: raw.requests,
    durationS: raw.durationS,
    errors: raw.errors + raw.timeouts + raw.non2xx,
    errorDetail: { errors: raw.errors, timeouts: raw.timeouts, non2xx: raw.non2xx, resets: raw.resets },
    latencyMs: raw.latencyMs,
    cpuMs: raw.cpuMs,
  };
}
