// The pure pieces: the CPU count under a cgroup quota, config merging, the status table, the watch filter, lines.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SupervisorSnapshot } from '@shoal/supervisor';
import { describe, expect, it } from 'vitest';
import { findConfig, loadConfig, mergeSettings } from '../src/config.js';
import { cgroupCpuLimit, maxWorkers } from '../src/cpus.js';
import { LineSplitter } from '../src/output/line-splitter.js';
import { renderStatus } from '../src/output/status-table.js';
import { isIgnored } from '../src/watch.js';
import { tempDir } from './support.js';

describe('-i max and cgroup v2 cpu.max', () => {
  const cpuMax = (text: string): string => {
    const file = path.join(tempDir(), 'cpu.max');
    writeFileSync(file, text);
    return file;
  };

  it('rounds a quota up to whole CPUs and takes the smaller of quota and availableParallelism', () => {
    expect(cgroupCpuLimit(cpuMax('150000 100000\n'))).toBe(2);
    expect(cgroupCpuLimit(cpuMax('50000 100000\n'))).toBe(1);
    expect(maxWorkers(cpuMax('200000 100000\n'), 8)).toBe(2);
    expect(maxWorkers(cpuMax('800000 100000\n'), 4)).toBe(4);
  });

  it('ignores an unlimited, missing or malformed cpu.max', () => {
    expect(cgroupCpuLimit(cpuMax('max 100000\n'))).toBeUndefined();
    expect(maxWorkers(cpuMax('max 100000\n'), 6)).toBe(6);
    expect(maxWorkers(path.join(tempDir(), 'absent'), 3)).toBe(3);
    expect(maxWorkers(cpuMax('garbage'), 3)).toBe(3);
    expect(maxWorkers(cpuMax('max'), 0)).toBe(1);
  });
});

describe('config file', () => {
  it('finds shoal.config.json, resolves its paths against its directory, and flags win', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'shoal.config.json'),
      JSON.stringify({ app: 'server.js', instances: 4, watch: true, name: 'web', logFile: 'logs/out.log' }),
    );
    const file = findConfig(dir, undefined);
    expect(file).toBe(path.join(dir, 'shoal.config.json'));
    const fromFile = await loadConfig(file as string);
    const merged = mergeSettings(fromFile, { instances: 2, raw: true });
    expect(merged).toEqual({
      app: path.join(dir, 'server.js'),
      instances: 2,
      watch: true,
      raw: true,
      name: 'web',
      logFile: path.join(dir, 'logs', 'out.log'),
    });
  });

  it('reads shoal.config.js (ESM default export) and rejects a missing --config', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(
      path.join(dir, 'shoal.config.js'),
      "export default { instances: 'max', strategy: 'reuseport' };\n",
    );
    expect(await loadConfig(findConfig(dir, undefined) as string)).toEqual({
      instances: 'max',
      strategy: 'reuseport',
    });
    expect(() => findConfig(dir, 'nope.json')).toThrow(/--config nope.json: no such file/);
  });
});

describe('renderStatus', () => {
  const snapshot: SupervisorSnapshot = {
    size: 2,
    ready: true,
    reloading: true,
    shuttingDown: false,
    crashLooped: [],
    workers: [
      {
        index: 0,
        id: 1,
        pid: 4242,
        state: 'ready',
        incoming: false,
        startedAt: 1_000,
        uptimeMs: 0,
        restarts: 1,
        connections: 3,
        requests: 1,
        requestsPerSecond: 812.4,
        eventLoopDelayMs: 1.25,
        rss: 52_428_800,
        heapUsed: 8_388_608,
        lastHeartbeatAt: undefined,
      },
      {
        index: 1,
        id: 3,
        pid: 4250,
        state: 'starting',
        incoming: true,
        startedAt: 120_000,
        uptimeMs: 0,
        restarts: 0,
        connections: undefined,
        requests: undefined,
        requestsPerSecond: undefined,
        eventLoopDelayMs: undefined,
        rss: undefined,
        heapUsed: undefined,
        lastHeartbeatAt: undefined,
      },
    ],
  };

  it('renders the headline and one aligned row per worker', () => {
    expect(renderStatus(snapshot, 126_000, { name: 'web' })).toBe(
      [
        'shoal web · 1/2 workers ready · reloading',
        'worker    pid  state     uptime  restarts  conns  reqs  req/s      rss    heap  loop delay',
        '0        4242  ready      2m05s         1      3     1    812  50.0 MB  8.0 MB      1.3 ms',
        '1 (new)  4250  starting      6s         0      -     -      -        -       -           -',
      ].join('\n'),
    );
  });

  it('says when shutting down and which workers crash-looped', () => {
    const text = renderStatus({ ...snapshot, shuttingDown: true, ready: false, crashLooped: [1] }, 126_000);
    expect(text.split('\n')[0]).toBe('shoal · 1/2 workers ready · shutting down · crash loop: worker 1');
  });
});

describe('watch filter', () => {
  it('ignores node_modules and dotfiles anywhere in the path', () => {
    expect(isIgnored('node_modules/x/index.js')).toBe(true);
    expect(isIgnored('src/.app.js.swp')).toBe(true);
    expect(isIgnored('.git/index')).toBe(true);
    expect(isIgnored('src/routes/user.js')).toBe(false);
  });
});

describe('LineSplitter', () => {
  it('keeps a partial line (and a split UTF-8 character) for the next chunk', () => {
    const lines = new LineSplitter();
    const euro = Buffer.from('€');
    expect(lines.push(Buffer.concat([Buffer.from('a\nb'), euro.subarray(0, 1)]))).toEqual(['a']);
    expect(lines.push(Buffer.concat([euro.subarray(1), Buffer.from('c\n')]))).toEqual(['b€c']);
    expect(lines.push('tail')).toEqual([]);
    expect(lines.end()).toBe('tail');
  });
});
