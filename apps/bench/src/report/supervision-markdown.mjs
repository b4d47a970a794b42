// Markdown tables of the supervision scenarios (reload, supervised-overhead, respawn); markdown.mjs appends them.

const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const thousands = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const spread = (summary, digits = 0) =>
  `${fixed(summary.median, digits)} (${fixed(summary.min, digits)}–${fixed(summary.max, digits)})`;
const percent = (summary) =>
  `${fixed(summary.median * 100)} % (${fixed(summary.min * 100)}–${fixed(summary.max * 100)})`;

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function reloadSection(r) {
  const mix = r.mix
    .map((m) => `${m.connections} ${m.keepAlive ? 'keep-alive' : 'new-connection'}`)
    .join(' + ');
  return (
    `## ${r.title} — ${mix} connections\n\n` +
    table(
      [
        'workers',
        'reloads ok',
        'failed requests during reloads (of)',
        'failed in the steady window',
        'throughput during reloads / steady (min–max)',
        'keep-alive share',
        'new-connection share',
        'steady req/s',
        'reload ms, median of all (min–max)',
        'restarts scheduled',
      ],
      r.rows.map((row) => [
        String(row.workers),
        `${row.reloadsOk}/${row.reloadsTotal}`,
        `**${row.failedDuring}** (${thousands(row.requestsDuring)})`,
        String(row.failedSteady),
        `**${percent(row.share)}**`,
        percent(row.shareKeepAlive),
        percent(row.shareChurn),
        thousands(row.steadyRps.median),
        `**${spread(row.reloadMs)}**`,
        String(row.restartsScheduled),
      ]),
    ) +
    `\n\nMedians over ${r.rows[0]?.runs.length ?? 0} run(s) per worker count, each a fresh cluster; a share is ` +
    'the req/s of the reload window over the req/s of the steady window measured just before on the same cluster.'
  );
}

function overheadSection(o) {
  const row = (name, c) => [
    name,
    `${thousands(c.unsupervised.rps.median)} (${thousands(c.unsupervised.rps.min)}–${thousands(c.unsupervised.rps.max)})`,
    `${thousands(c.supervised.rps.median)} (${thousands(c.supervised.rps.min)}–${thousands(c.supervised.rps.max)})`,
    `**${fixed(c.ratio.median, 3)}** (${fixed(c.ratio.min, 2)}–${fixed(c.ratio.max, 2)})`,
    `${fixed(c.unsupervised.primaryCpuShare.median * 100, 1)} % / ${fixed(c.supervised.primaryCpuShare.median * 100, 1)} %`,
    `${fixed(c.unsupervised.workersCpuShare.median * 100)} % / ${fixed(c.supervised.workersCpuShare.median * 100)} %`,
    `${c.unsupervised.errors} / ${c.supervised.errors}`,
    `${fixed(Math.max(c.unsupervised.otherCpuShare.max, c.supervised.otherCpuShare.max) * 100)} %`,
  ];
  return (
    `## ${o.title} — ${o.workers} workers, ${o.connections} connections, round robin\n\n` +
    table(
      [
        'load',
        'unsupervised req/s',
        'supervised req/s',
        'supervised/unsupervised median (pairs min–max)',
        'primary CPU unsup. / sup.',
        'workers CPU unsup. / sup.',
        'errors',
        'other CPU (max)',
      ],
      [row('keep-alive', o.keepAlive), row('churn', o.churn)],
    ) +
    `\n\nPairs alternate which side runs first. Per pair: keep-alive ${o.keepAlive.ratio.perPair.map((v) => fixed(v, 3)).join(', ')}; ` +
    `churn ${o.churn.ratio.perPair.map((v) => fixed(v, 3)).join(', ')}.`
  );
}

function respawnSection(s) {
  return (
    `## ${s.title} — ${s.kills} kills, each its slot's first restart\n\n` +
    table(
      ['step', 'median ms (min–max)'],
      [
        ['**SIGKILL → replacement listening (worker-ready)**', `**${spread(s.killToReadyMs, 1)}**`],
        ['SIGKILL → exit seen by the supervisor', spread(s.killToExitSeenMs, 1)],
        ['backoff drawn (restart-scheduled delayMs)', spread(s.backoffMs, 1)],
        ['backoff end → fork', spread(s.backoffEndToForkMs, 1)],
        ['fork → listening', spread(s.forkToReadyMs, 1)],
        ['SIGKILL → listening, minus the backoff drawn', spread(s.withoutBackoffMs, 1)],
      ],
    )
  );
}

export function supervisionSections(scenarios) {
  const parts = [];
  if (scenarios.reload) parts.push(reloadSection(scenarios.reload));
  if (scenarios.supervisedOverhead) parts.push(overheadSection(scenarios.supervisedOverhead));
  if (scenarios.respawn) parts.push(respawnSection(scenarios.respawn));
  return parts;
}
