// A hand-written SVG bar chart of the Shoal/node ratios: one bar per figure at the median of its pairs, a
// whisker over the pairs' min–max, a tick at the target, and the 1.0 line (parity with node:cluster).

const escapeXml = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
const num = (value) => (Number.isFinite(value) ? Number(value.toFixed(1)) : 0);

const COLORS = { met: '#2e7d32', missed: '#c62828', none: '#607d8b' };

export function ratioChart(results) {
  const rows = results.targets.filter((row) => row.kind === 'ratio');
  const memory = results.targets.filter((row) => row.kind === 'delta-mb');
  const width = 900;
  const labelWidth = 320;
  const left = labelWidth + 20;
  const right = width - 90;
  const top = 70;
  const rowHeight = 28;
  const plotBottom = top + rows.length * rowHeight;
  const height = plotBottom + 60 + memory.length * 18;
  const highest = Math.max(
    1.2,
    ...rows.flatMap((row) => [row.max, row.median, row.target ?? 0]).filter(Number.isFinite),
  );
  const domain = Math.min(4, Math.ceil(highest * 5) / 5);
  const x = (ratio) => left + (Math.max(0, Math.min(ratio, domain)) / domain) * (right - left);

  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  const { meta } = results;
  out.push(
    `<text x="20" y="26" font-size="17" font-weight="bold">${meta.control ? 'Control: node:cluster / node:cluster' : 'Shoal / node:cluster'} — median of paired ratios${meta.quick ? ' (quick run)' : ''}</text>`,
  );
  out.push(
    `<text x="20" y="46" fill="#444">${escapeXml(
      `${meta.machine.cpus} × ${meta.machine.cpuModel}, Node ${meta.node}, ${meta.generator.name} ${meta.generator.version}, ${meta.pairs} pair(s), ${meta.startedAt.slice(0, 10)}`,
    )}</text>`,
  );

  // Grid: every 0.2 (every 0.5 past 2).
  const step = domain > 2 ? 0.5 : 0.2;
  for (let tick = 0; tick <= domain + 1e-9; tick += step) {
    const tx = num(x(tick));
    out.push(`<line x1="${tx}" y1="${top - 8}" x2="${tx}" y2="${plotBottom}" stroke="#e0e0e0"/>`);
    out.push(
      `<text x="${tx}" y="${plotBottom + 16}" text-anchor="middle" fill="#666" font-size="11">${tick.toFixed(1)}</text>`,
    );
  }

  rows.forEach((row, index) => {
    const y = top + index * rowHeight;
    const mid = num(y + rowHeight / 2);
    const color = row.met === null ? COLORS.none : row.met ? COLORS.met : COLORS.missed;
    const suffix = row.better === 'lower' ? ' ↓' : ' ↑';
    out.push(
      `<text x="${labelWidth}" y="${mid + 4}" text-anchor="end">${escapeXml(row.label + suffix)}</text>`,
    );
    if (Number.isFinite(row.median)) {
      out.push(
        `<rect x="${left}" y="${num(y + 6)}" width="${num(x(row.median) - left)}" height="${rowHeight - 12}" fill="${color}" fill-opacity="0.75"/>`,
      );
    }
    if (Number.isFinite(row.min) && Number.isFinite(row.max)) {
      const [x1, x2] = [num(x(row.min)), num(x(row.max))];
      out.push(`<line x1="${x1}" y1="${mid}" x2="${x2}" y2="${mid}" stroke="#222" stroke-width="1.5"/>`);
      out.push(
        `<line x1="${x1}" y1="${mid - 5}" x2="${x1}" y2="${mid + 5}" stroke="#222" stroke-width="1.5"/>`,
      );
      out.push(
        `<line x1="${x2}" y1="${mid - 5}" x2="${x2}" y2="${mid + 5}" stroke="#222" stroke-width="1.5"/>`,
      );
    }
    if (row.target !== null) {
      const tx = num(x(row.target));
      out.push(
        `<line x1="${tx}" y1="${num(y + 2)}" x2="${tx}" y2="${num(y + rowHeight - 2)}" stroke="#000" stroke-width="2" stroke-dasharray="3,2"/>`,
      );
    }
    out.push(
      `<text x="${right + 8}" y="${mid + 4}" fill="${color}" font-weight="bold">${Number.isFinite(row.median) ? row.median.toFixed(3) : '–'}</text>`,
    );
  });
  const one = num(x(1));
  out.push(
    `<line x1="${one}" y1="${top - 8}" x2="${one}" y2="${plotBottom}" stroke="#000" stroke-width="1"/>`,
  );

  let y = plotBottom + 36;
  out.push(
    `<text x="20" y="${y}" fill="#444" font-size="12">↑ higher is better, ↓ lower is better; bar = median of pairs, whisker = min–max, dashed tick = target; green met, red missed, grey no target.</text>`,
  );
  for (const row of memory) {
    y += 18;
    const color = row.met === null ? COLORS.none : row.met ? COLORS.met : COLORS.missed;
    out.push(
      `<text x="20" y="${y}" font-size="12" fill="${color}">${escapeXml(
        `${row.label}: node ${row.node.toFixed(1)}, Shoal ${row.shoal.toFixed(1)}, Shoal − node ${row.median.toFixed(1)} MB (target ≤ +${row.target} MB)`,
      )}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
