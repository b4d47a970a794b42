// The sticky comparison's markdown report (results/sticky.md): churn throughput and ratios, polling sessions.

const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const thousands = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const spread = (s, f = (v) => fixed(v)) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
const pct = (s) => fixed(s.median * 100);
const kinds = (errors) =>
  Object.entries(errors)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ') || '–';

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

const ratioCell = (r) => `**${fixed(r.median, 3)}** (${fixed(r.min, 2)}–${fixed(r.max, 2)})`;
const perRound = (r) => r.perRound.map((value) => fixed(value, 3)).join(', ');

function churnTables(churn) {
  const slots = Object.entries(churn.slots);
  const main = table(
    [
      'slot',
      'variant',
      'req/s, median (min–max)',
      'p99 ms',
      'errors',
      'requests at their session’s worker',
      'primary % core',
      'workers % core',
      'generator % core',
      'other CPU % core',
      'primary CPU ms / 1000 connections',
      'primary + workers CPU ms / 1000 connections',
    ],
    slots.map(([name, s]) => [
      name,
      s.variant,
      spread(s.rps, thousands),
      fixed(s.latencyP99Ms.median, 1),
      String(s.errors),
      `${fixed(s.ownSessionShare.median * 100, 1)} %`,
      pct(s.primaryCpuShare),
      pct(s.workersCpuShare),
      pct(s.generatorCpuShare),
      `${pct(s.otherCpuShare)} (max ${fixed(s.otherCpuShare.max * 100)})`,
      fixed(s.primaryCpuMsPer1000Connections.median, 1),
      fixed(s.clusterCpuMsPer1000Connections?.median, 1),
    ]),
  );
  const r = churn.ratios;
  const ratios = table(
    ['ratio (per round, then the median)', 'median (min–max)', 'per round'],
    [
      [
        'shoal-sticky / socketio-sticky, req/s',
        ratioCell(r.stickyVsSocketioSticky),
        perRound(r.stickyVsSocketioSticky),
      ],
      ['shoal-sticky / shoal-rr, req/s', ratioCell(r.stickyVsRoundRobin), perRound(r.stickyVsRoundRobin)],
      [
        'shoal-sticky / socketio-sticky, primary CPU per connection',
        ratioCell(r.primaryCpuStickyVsSocketioSticky),
        perRound(r.primaryCpuStickyVsSocketioSticky),
      ],
      [
        'shoal-sticky / shoal-rr, primary CPU per connection',
        ratioCell(r.primaryCpuStickyVsRoundRobin),
        perRound(r.primaryCpuStickyVsRoundRobin),
      ],
      ...(r.clusterCpuStickyVsSocketioSticky
        ? [
            [
              'shoal-sticky / socketio-sticky, primary + workers CPU per connection',
              ratioCell(r.clusterCpuStickyVsSocketioSticky),
              perRound(r.clusterCpuStickyVsSocketioSticky),
            ],
            [
              'shoal-sticky / shoal-rr, primary + workers CPU per connection',
              ratioCell(r.clusterCpuStickyVsRoundRobin),
              perRound(r.clusterCpuStickyVsRoundRobin),
            ],
          ]
        : []),
    ],
  );
  return `${main}\n\n${ratios}`;
}

function sessionsTables(sessions) {
  const slots = Object.entries(sessions.slots);
  const main = table(
    [
      'slot',
      'variant',
      'sessions completed',
      'failed',
      'errors',
      'time for all, ms, median (min–max)',
      'acked emits/s, median (min–max)',
      'session p50 ms',
      'HTTP requests per ack',
      'primary % core',
      'workers % core',
      'client % core',
      'other CPU % core',
    ],
    slots.map(([name, s]) => [
      name,
      s.variant,
      `${s.completed} / ${s.sessions}`,
      String(s.failed),
      kinds(s.errors),
      spread(s.durationMs, thousands),
      spread(s.ackedPerS, thousands),
      fixed(s.sessionP50Ms.median),
      fixed(s.httpRequestsPerAck.median, 2),
      pct(s.primaryCpuShare),
      pct(s.workersCpuShare),
      pct(s.clientCpuShare),
      pct(s.otherCpuShare),
    ]),
  );
  const r = sessions.ratios.ackedPerSStickyVsSocketioSticky;
  const ratios = table(
    ['ratio (per round, then the median)', 'median (min–max)', 'per round'],
    [['shoal-sticky / socketio-sticky, acked emits/s', ratioCell(r), perRound(r)]],
  );
  return `${main}\n\n${ratios}`;
}

function roundsTable(rounds, slots) {
  return table(
    [
      'round',
      'order',
      ...slots.map((name) => `${name}: churn req/s, polling ms`),
      'other CPU % core (max of the round’s runs)',
      'load average (1 min) at the runs’ start',
    ],
    rounds.map((round, i) => [
      String(i + 1),
      round.order.join(' → '),
      ...slots.map(
        (name) => `${thousands(round[name].churn.rps)}, ${thousands(round[name].sessions.durationMs)}`,
      ),
      fixed(Math.max(...slots.map((name) => round[name].otherCpuShare)) * 100),
      slots.map((name) => fixed(round[name].loadavg1, 1)).join(', '),
    ]),
  );
}

export function stickyMarkdown(results) {
  const { meta } = results;
  const s = results.scenarios.sticky;
  const st = s.settings;
  const control = st.control ? ' **Control run: every slot runs shoal-sticky.**' : '';
  return (
    `# ${s.title}\n\n` +
    `Node ${meta.node}, ${meta.machine.cpus} × ${meta.machine.cpuModel}, Linux ${meta.machine.kernel}; generator ` +
    `${meta.generator.name} ${meta.generator.version}; commit ${meta.commit.slice(0, 7)}` +
    `${meta.dirty ? ' (packages/ with uncommitted changes)' : ''}, build ${meta.build.fingerprint}` +
    `${meta.build.frozen ? ' (frozen copy)' : ''}; ${meta.startedAt} → ${meta.finishedAt}; load average before ` +
    `${meta.machineLoad.before.loadavg.map((v) => v.toFixed(2)).join(' ')}, after ` +
    `${meta.machineLoad.after.loadavg.map((v) => v.toFixed(2)).join(' ')}; ${st.workers} workers per variant; ` +
    `${st.rounds} rounds (one run per slot, order rotating) after ${st.warmupRounds} warm-up round(s).${control}\n\n` +
    `## (a) Churn: a new connection per request on /?sid=<session id>\n\n` +
    `Per run: a fresh cluster, ${st.keys} Engine.IO sessions opened by handshakes, ${st.warmupS} s warm-up, ` +
    `${st.durationS} s measured, ${st.connections} connections, \`Connection: close\`, the requests cycling over ` +
    `the sessions' ids.\n\n${churnTables(s.churn)}\n\n` +
    `## (b) Socket.IO sessions over long polling\n\n` +
    `Per run, on the same cluster after (a), counters reset: ${st.polling.clients} socket.io-client sessions at once (transports ['polling'], ` +
    `no reconnection), each ${st.polling.emits} acknowledged emits in turn; an ack waits at most ` +
    `${st.polling.timeoutMs} ms.\n\n${sessionsTables(s.sessions)}\n\n` +
    `## Rounds\n\n${roundsTable(s.rounds, Object.keys(s.churn.slots))}\n` +
    (s.discardedRounds.length > 0
      ? `\n${s.discardedRounds.length} round(s) discarded and run again (more than ` +
        `${fixed(st.maxOtherCpuShare * 100)} % of a core busy outside the benchmark in one of its runs); at most ` +
        `${st.maxRerunRounds} are, later disturbed rounds are kept.\n`
      : '')
  );
}
