// The targets, checked against a run's results: one row per figure that has a target (or is worth
// charting next to them), in the order the chart and the summary table show them.

/**
 * @returns {{id: string, label: string, kind: 'ratio'|'delta-mb', better: 'higher'|'lower', node: number,
 *   shoal: number, median: number, min: number, max: number, target: number|null, met: boolean|null}[]}
 */
export function targetRows(scenarios) {
  const rows = [];
  const ratioRow = (id, label, better, node, shoal, ratio, target) => {
    const met =
      target === null || !Number.isFinite(ratio.median)
        ? null
        : better === 'higher'
          ? ratio.median >= target
          : ratio.median <= target;
    rows.push({
      id,
      label,
      kind: 'ratio',
      better,
      node,
      shoal,
      median: ratio.median,
      min: ratio.min,
      max: ratio.max,
      target,
      met,
    });
  };
  if (scenarios.keepalive) {
    const s = scenarios.keepalive;
    ratioRow(
      'keepalive',
      'keep-alive req/s (rr)',
      'higher',
      s.node.rps.median,
      s.shoal.rps.median,
      s.ratio,
      1,
    );
  }
  if (scenarios.churn) {
    const s = scenarios.churn;
    ratioRow('churn', 'churn req/s (rr)', 'higher', s.node.rps.median, s.shoal.rps.median, s.ratio, 1);
    ratioRow(
      'churn-primary-cpu',
      'churn primary CPU ms / 1000 conn.',
      'lower',
      s.node.primaryCpuMsPer1000Connections.median,
      s.shoal.primaryCpuMsPer1000Connections.median,
      s.primaryCpuPer1000ConnectionsRatio,
      null,
    );
  }
  if (scenarios.reuseportKeepalive) {
    const s = scenarios.reuseportKeepalive;
    const label = `keep-alive req/s (${s.strategy.shoal} vs node rr)`;
    ratioRow('reuseport-keepalive', label, 'higher', s.node.rps.median, s.shoal.rps.median, s.ratio, 1);
  }
  if (scenarios.reuseportChurn) {
    const s = scenarios.reuseportChurn;
    const label = `churn req/s (${s.strategy.shoal} vs node rr)`;
    ratioRow('reuseport-churn', label, 'higher', s.node.rps.median, s.shoal.rps.median, s.ratio, 1.8);
  }
  if (scenarios.echo) {
    for (const c of scenarios.echo.cases) {
      ratioRow(
        `echo-${c.serialization}-${c.payload}-${c.sends}`,
        `IPC echo ${c.serialization} ${c.payload} ×${c.sends} msg/s`,
        'higher',
        c.node.median,
        c.shoal.median,
        c.ratio,
        1,
      );
    }
  }
  if (scenarios.startup) {
    for (const r of scenarios.startup.rows) {
      ratioRow(
        `startup-${r.workers}`,
        `start-up ${r.workers} workers (ms)`,
        'lower',
        r.node.median,
        r.shoal.median,
        r.ratio,
        1.1,
      );
    }
  }
  if (scenarios.memory) {
    const m = scenarios.memory;
    for (const [when, label] of [
      ['primaryAfterStartupMb', 'primary RSS after start-up (MB)'],
      ['primaryAfterLoadMb', 'primary RSS after keep-alive load (MB)'],
    ]) {
      const delta = m.delta[when];
      rows.push({
        id: `memory-${when}`,
        label,
        kind: 'delta-mb',
        better: 'lower',
        node: m.node[when].median,
        shoal: m.shoal[when].median,
        median: delta.median,
        min: delta.min,
        max: delta.max,
        target: 15,
        met: Number.isFinite(delta.median) ? delta.median <= 15 : null,
      });
    }
  }
  return rows;
}
