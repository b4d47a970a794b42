// Markdown tables of a run: the targets first, then one table per scenario.
import { supervisionSections } from './supervision-markdown.mjs';

const fixed = (value, digits = 0) =>
  Number.isFinite(value) ? value.toFixed(digits) : value === Number.POSITIVE_INFINITY ? '∞' : '–';
const thousands = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const range = (summary, format) => `${format(summary.min)}–${format(summary.max)}`;
const ratioText = (ratio) => `**${fixed(ratio.median, 3)}** (${fixed(ratio.min, 2)}–${fixed(ratio.max, 2)})`;

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function summaryTable(targets) {
  return table(
    ['figure', 'node:cluster', 'Shoal', 'Shoal/node median (pairs min–max)', 'target', 'met'],
    targets.map((row) => {
      const digits = Math.abs(row.node) >= 100 ? 0 : 1;
      const value =
        row.kind === 'delta-mb'
          ? `**${fixed(row.median, 1)} MB** (${fixed(row.min, 1)}–${fixed(row.max, 1)}), Shoal − node`
          : ratioText(row);
      const target =
        row.target === null
          ? '–'
          : row.kind === 'delta-mb'
            ? `≤ +${row.target} MB`
            : `${row.better === 'higher' ? '≥' : '≤'} ${row.target.toFixed(2)}`;
      const met = row.met === null ? '–' : row.met ? 'yes' : '**no**';
      return [row.label, fixed(row.node, digits), fixed(row.shoal, digits), value, target, met];
    }),
  );
}

export function markdownReport(results) {
  const { meta, scenarios } = results;
  const parts = [];
  const title = meta.control ? 'Control: node:cluster vs node:cluster' : 'Shoal vs node:cluster';
  parts.push(`# ${title}${meta.quick ? ' (quick run: indicative only)' : ''}`);
  parts.push(
    [
      `${meta.machine.cpus} × ${meta.machine.cpuModel}, ${meta.machine.memoryGb} GB, Linux ${meta.machine.kernel}, ` +
        `Node ${meta.node}, commit ${meta.commit.slice(0, 10)}${meta.dirty ? ' (packages modified)' : ''}, ` +
        `build ${meta.build.fingerprint}${meta.build.frozen ? ' (frozen copy)' : ''}` +
        `${meta.build.changedDuringRun ? ' — the work tree was rebuilt during the run' : ''}; load generator: ${meta.generator.name} ${meta.generator.version}; ` +
        `${meta.pairs} pair(s) per figure after ${meta.warmupPairs} warm-up pair(s); ${meta.startedAt}.`,
      `CPU busy before the run: ${fixed(meta.machineLoad.before.busyShare * 100)} % ` +
        `(load average ${meta.machineLoad.before.loadavg.map((v) => v.toFixed(2)).join(' ')}); ` +
        `after: load average ${meta.machineLoad.after.loadavg.map((v) => v.toFixed(2)).join(' ')}.`,
    ].join('\n'),
  );
  if (results.targets.length > 0) parts.push(`## Targets\n\n${summaryTable(results.targets)}`);

  for (const key of ['keepalive', 'churn', 'reuseportKeepalive', 'reuseportChurn']) {
    const s = scenarios[key];
    if (!s) continue;
    const row = (name, side) => [
      name,
      `${thousands(side.rps.median)} (${range(side.rps, thousands)})`,
      fixed(side.latencyP99Ms.median, 1),
      String(side.errors),
      `${fixed(side.primaryCpuShare.median * 100)} %`,
      `${fixed(side.workersCpuShare.median * 100)} %`,
      s.keepAlive ? '–' : fixed(side.primaryCpuMsPer1000Connections.median, 1),
      `${fixed(side.generatorCpuShare.median * 100)} %`,
      `${fixed(side.otherCpuShare.max * 100)} %`,
    ];
    parts.push(
      `## ${s.title} — ${s.workers} workers, ${s.connections} connections, node:cluster ${s.strategy.node}, ` +
        `Shoal ${s.strategy.shoal} (in force: ${s.shoal.strategyInForce})\n\n` +
        table(
          [
            'cluster',
            'req/s median (min–max)',
            'p99 ms',
            'errors',
            'primary CPU',
            'workers CPU',
            'primary CPU ms / 1000 conn.',
            'generator CPU',
            'other CPU (max)',
          ],
          [row('node:cluster', s.node), row('Shoal', s.shoal)],
        ) +
        '\n\nCPU columns: share of one core over the measured run (medians); other CPU: the rest of the machine ' +
        '(CPU contention from outside the benchmark; the largest of the runs).' +
        (s.discardedPairs.length > 0
          ? `\n\n${s.discardedPairs.length} pair(s) discarded and run again: over ` +
            `${fixed(100 * meta.quiet.maxOtherCpuShare)} % of a core busy outside the benchmark.`
          : '') +
        `\n\nShoal/node per pair: ${s.ratio.perPair.map((r) => fixed(r, 3)).join(', ')} — median ${ratioText(s.ratio)}`,
    );
  }

  if (scenarios.memory) {
    const m = scenarios.memory;
    const row = (name, side) => [
      name,
      fixed(side.primaryAfterStartupMb.median, 1),
      fixed(side.primaryAfterLoadMb.median, 1),
      fixed(side.workerAfterStartupMb.median, 1),
      fixed(side.workerAfterLoadMb.median, 1),
    ];
    parts.push(
      `## ${m.title}\n\n` +
        table(
          ['cluster', 'primary, start-up', 'primary, after load', 'worker, start-up', 'worker, after load'],
          [
            row('node:cluster', m.node),
            row('Shoal', m.shoal),
            [
              'Shoal − node (median of pairs)',
              fixed(m.delta.primaryAfterStartupMb.median, 1),
              fixed(m.delta.primaryAfterLoadMb.median, 1),
              fixed(m.delta.workerAfterStartupMb.median, 1),
              fixed(m.delta.workerAfterLoadMb.median, 1),
            ],
          ],
        ),
    );
  }

  if (scenarios.fairness) {
    const f = scenarios.fairness;
    parts.push(
      `## ${f.title} — ${f.workers} workers, ${f.connections} connections (medians of ${f.rows[0]?.runs.length ?? 0} runs)\n\n` +
        table(
          [
            'cluster',
            'strategy (in force)',
            'keep-alive',
            'req/s',
            'requests max/min',
            'requests CV',
            'connections max/min',
            'connections CV',
            'requests per worker (last run)',
          ],
          f.rows.map((row) => [
            row.side === 'node' ? 'node:cluster' : 'Shoal',
            `${row.strategy} (${row.runs.at(-1).strategyInForce})`,
            row.keepAlive ? 'yes' : 'no',
            thousands(row.rps),
            fixed(row.requestsMaxOverMin, 2),
            fixed(row.requestsCv, 3),
            fixed(row.connectionsMaxOverMin, 2),
            fixed(row.connectionsCv, 3),
            row.runs.at(-1).requests.join(' / '),
          ]),
        ),
    );
  }

  if (scenarios.skewed) {
    const k = scenarios.skewed;
    parts.push(
      `## ${k.title} — ${k.workers} workers, ${k.connections} connections\n\n` +
        table(
          [
            'cluster',
            'strategy (in force)',
            'req/s',
            'p50 ms (min–max)',
            'p99 ms (min–max)',
            'heavy requests per worker (last run)',
          ],
          k.rows.map((row) => [
            row.side === 'node' ? 'node:cluster' : 'Shoal',
            `${row.strategy} (${row.runs.at(-1).strategyInForce})`,
            thousands(row.rps),
            `${fixed(row.p50Ms.median, 2)} (${range(row.p50Ms, (v) => fixed(v, 2))})`,
            `${fixed(row.p99Ms.median, 1)} (${range(row.p99Ms, (v) => fixed(v, 1))})`,
            row.runs.at(-1).heavyPerWorker.join(' / '),
          ]),
        ),
    );
  }

  if (scenarios.echo) {
    parts.push(
      `## ${scenarios.echo.title}\n\n` +
        table(
          [
            'serialization',
            'payload',
            'sends/round',
            'node:cluster msg/s',
            'Shoal msg/s',
            'Shoal/node median (min–max)',
          ],
          scenarios.echo.cases.map((c) => [
            c.serialization,
            c.payload,
            String(c.sends),
            `${thousands(c.node.median)} (${range(c.node, thousands)})`,
            `${thousands(c.shoal.median)} (${range(c.shoal, thousands)})`,
            ratioText(c.ratio),
          ]),
        ),
    );
  }

  if (scenarios.startup) {
    parts.push(
      `## ${scenarios.startup.title}\n\n` +
        table(
          [
            'workers',
            'node:cluster ms',
            'Shoal ms',
            'Shoal/node median (min–max)',
            'spawn→ready node / Shoal ms',
            'spawn→ready ratio',
          ],
          scenarios.startup.rows.map((r) => [
            String(r.workers),
            `${fixed(r.node.median, 1)} (${range(r.node, (v) => fixed(v, 0))})`,
            `${fixed(r.shoal.median, 1)} (${range(r.shoal, (v) => fixed(v, 0))})`,
            ratioText(r.ratio),
            `${fixed(r.spawnToReady.node.median, 0)} / ${fixed(r.spawnToReady.shoal.median, 0)}`,
            ratioText(r.spawnToReady.ratio),
          ]),
        ),
    );
  }
  parts.push(...supervisionSections(scenarios));
  return `${parts.join('\n\n')}\n`;
}
