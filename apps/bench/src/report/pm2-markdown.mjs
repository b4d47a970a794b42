// The PM2 comparison's goals (issue 14) and its markdown report (results/pm2.md).

const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const thousands = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const spread = (s, digits = 0, f = (v) => fixed(v, digits)) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
const pct = (share) => (Number.isFinite(share) ? `${(share * 100).toFixed(share < 0.01 ? 3 : 2)} %` : '–');

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** The goals: 0 failed requests across reloads (both loads), throughput ≥ PM2's, supervising RSS below its daemon's. */
export function pm2Targets(s) {
  const { throughput: t, reloads: r, memory: m } = s;
  return [
    {
      figure: 'keep-alive req/s, shoal/pm2',
      value: t.keepAlive.ratio.median,
      target: '≥ 1.00',
      met: t.keepAlive.ratio.median >= 1,
    },
    {
      figure: 'churn req/s, shoal/pm2',
      value: t.churn.ratio.median,
      target: '≥ 1.00',
      met: t.churn.ratio.median >= 1,
    },
    {
      figure: `failed requests across reloads, keep-alive (shoal)`,
      value: r.keepAlive.shoal.failed,
      target: '0',
      met: r.keepAlive.shoal.failed === 0,
    },
    {
      figure: `failed requests across reloads, churn (shoal)`,
      value: r.churn.shoal.failed,
      target: '0',
      met: r.churn.shoal.failed === 0,
    },
    {
      figure: 'supervising RSS after keep-alive load, shoal − pm2 (MB)',
      value: m.shoal.supervisorAfterKeepAliveMb.median - m.pm2.supervisorAfterKeepAliveMb.median,
      target: '< 0',
      met: m.shoal.supervisorAfterKeepAliveMb.median < m.pm2.supervisorAfterKeepAliveMb.median,
    },
  ];
}

function throughputTable(t) {
  const row = (label, x) => {
    const cells = (side) => [
      thousands(x[side].rps.median),
      `${thousands(x[side].rps.min)}–${thousands(x[side].rps.max)}`,
      fixed(x[side].latencyP99Ms.median, 2),
      fixed(x[side].supervisorCpuShare.median * 100),
      fixed(x[side].workersCpuShare.median * 100),
      String(x[side].errors),
      fixed(x[side].otherCpuShare.median * 100),
    ];
    return [
      label,
      ...cells('shoal'),
      ...cells('pm2'),
      `**${fixed(x.ratio.median, 3)}** (${fixed(x.ratio.min, 2)}–${fixed(x.ratio.max, 2)})`,
    ];
  };
  const sideHeader = (name) => [
    `${name} req/s`,
    'min–max',
    'p99 ms',
    'supervisor % core',
    'workers % core',
    'errors',
    'other CPU % core',
  ];
  return table(
    ['load', ...sideHeader('shoal'), ...sideHeader('pm2'), 'shoal/pm2 median of pairs (min–max)'],
    [row('keep-alive', t.keepAlive), row('churn (Connection: close)', t.churn)],
  );
}

function reloadTable(r) {
  const row = (label, x, side) => [
    label,
    side,
    `${x[side].reloadsOk}/${x[side].reloads}`,
    `**${x[side].failed}**`,
    x[side].failedPerRun.join(', '),
    Object.entries(x[side].errorDetail)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '–',
    thousands(x[side].requests),
    pct(x[side].failedShare),
    spread(x[side].reloadCommandMs),
    thousands(x[side].rpsDuring.median),
    x[side].everyRunRecovered ? 'yes' : '**no**',
  ];
  return table(
    [
      'load',
      'side',
      'reloads ok',
      'failed requests',
      'per run',
      'kinds',
      'requests served',
      'failed share',
      'reload command ms, median (min–max)',
      'req/s during',
      'all workers replaced and serving after',
    ],
    [
      row('keep-alive', r.keepAlive, 'shoal'),
      row('keep-alive', r.keepAlive, 'pm2'),
      row('churn', r.churn, 'shoal'),
      row('churn', r.churn, 'pm2'),
    ],
  );
}

function memoryTable(m) {
  const row = (label, key) => [
    label,
    spread(m.shoal[key], 1),
    spread(m.pm2[key], 1),
    fixed(m.shoal[key].median - m.pm2[key].median, 1),
  ];
  return table(
    ['RSS (MB), median (min–max)', 'shoal primary (--metrics on)', 'pm2 daemon (God)', 'shoal − pm2'],
    [
      row('supervising process after start-up', 'supervisorAfterStartupMb'),
      row('supervising process after the keep-alive load', 'supervisorAfterKeepAliveMb'),
      row('supervising process after the churn load', 'supervisorAfterChurnMb'),
      row('mean worker after the keep-alive load', 'workerMeanAfterKeepAliveMb'),
    ],
  );
}

function startupTable(st) {
  const rows = [
    [
      'shoal',
      '`shoal run` spawned → every worker answered on the port',
      spread(st.shoal.toEveryWorkerAnsweringMs),
    ],
    ['shoal', '`shoal run` spawned → its `ready` event on stderr', spread(st.shoal.toReadyEventMs)],
    [
      'shoal',
      '`ready` event’s own durationMs (from supervise(), after the CLI loaded)',
      spread(st.shoal.readyEventDurationMs),
    ],
    ['pm2', '`pm2 ping` in a fresh PM2_HOME (CLI + daemon launch)', spread(st.pm2.daemonLaunchMs)],
    [
      'pm2',
      '`pm2 start` spawned (daemon up) → every worker answered on the port',
      spread(st.pm2.toEveryWorkerAnsweringMs),
    ],
    ['pm2', '`pm2 start` spawned → the command returned', spread(st.pm2.pm2StartReturnedMs)],
    [
      'pm2',
      '`pm2 start` spawned → a `pm2 jlist` after it showed all online',
      spread(st.pm2.toJlistAllOnlineMs),
    ],
    [
      'pm2',
      'cold: daemon launch + start → every worker answered',
      spread(st.pm2.coldToEveryWorkerAnsweringMs),
    ],
  ];
  return table(['side', `what (ms, median (min–max) of ${st.runs} starts)`, 'ms'], rows);
}

export function pm2Markdown(results) {
  const { meta, targets } = results;
  const s = results.scenarios.pm2;
  const goals = table(
    ['goal', 'measured', 'target', 'met'],
    targets.map((t) => [
      t.figure,
      fixed(t.value, Number.isInteger(t.value) ? 0 : 3),
      t.target,
      t.met ? 'yes' : '**no**',
    ]),
  );
  return (
    `# ${s.title}\n\n` +
    `Node ${meta.node}, ${meta.machine.cpus} × ${meta.machine.cpuModel}, Linux ${meta.machine.kernel}; generator ` +
    `${meta.generator.name} ${meta.generator.version} (1 thread, ${s.throughput.keepAlive.connections} connections); ` +
    `commit ${meta.commit.slice(0, 7)}${meta.dirty ? ' (packages/ with uncommitted changes)' : ''}, build ` +
    `${meta.build.fingerprint}${meta.build.frozen ? ' (frozen copy)' : ''}; ${meta.startedAt} → ${meta.finishedAt}; ` +
    `${meta.pairs} pairs per throughput figure after ${meta.warmupPairs} warm-up pair(s), ` +
    `${s.reloads.keepAlive.reloadsPerRun} reloads per reload run, ${s.reloads.keepAlive.shoal.runs.length} run(s) ` +
    `per side and load.\n\n## Goals\n\n${goals}\n\n` +
    `## Throughput (fresh cluster per run, ${meta.durations.http.warmupS} s warm-up, ${meta.durations.http.durationS} s measured)\n\n` +
    `${throughputTable(s.throughput)}\n\n` +
    `## Failed requests across rolling reloads under load\n\n` +
    `wrk errors: connect, read (includes resets and connections closed before a response), write, status ` +
    `(non-2xx), timeout. The failed share is failed / (served + failed).\n\n${reloadTable(s.reloads)}\n\n` +
    `## Memory\n\n${memoryTable(s.memory)}\n\n` +
    `## Time to every worker ready (2 workers)\n\n${startupTable(s.startup)}\n`
  );
}
