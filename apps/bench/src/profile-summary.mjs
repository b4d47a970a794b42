// Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `run.mjs --cpu-prof DIR`): the functions with
// the most self time, and the same grouped by where the code lives (node internals, Shoal's packages, …).
//
//   node apps/bench/src/profile-summary.mjs FILE.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Self time per function (ms), largest first, and per code origin. */
export function summarizeProfile(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  // timeDeltas[i] is the time before samples[i]; attribute it to the sampled node.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const totalUs = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const functions = new Map();
  const origins = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    const where = callFrame.url ? `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    const origin = originOf(callFrame);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([what, us]) => ({ what, ms: us / 1000, share: totalUs > 0 ? us / totalUs : 0 }));
  return { totalMs: totalUs / 1000, functions: rank(functions), origins: rank(origins) };
}

function shortUrl(url) {
  return url
    .replace(/^file:\/\/.*?\/(packages|apps|node_modules)\//, '$1/')
    .replace(/^node_modules\/@shoal\//, '@shoal/');
}

function originOf({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}${url.includes('/') ? '/…' : ''}`;
  // The work tree's packages/<name>/, or the runner's frozen copy under node_modules/@shoal/<name>/.
  const shoal = /\/(?:packages|node_modules\/@shoal)\/([^/]+)\//.exec(url);
  if (shoal) return `@shoal/${shoal[1]}`;
  if (url.includes('/apps/bench/')) return 'the benchmark app';
  return 'other';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  for (const file of positionals) {
    const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')));
    const pct = (share) => `${(share * 100).toFixed(1)} %`;
    process.stdout.write(`# ${file}: ${summary.totalMs.toFixed(0)} ms sampled\n\n`);
    process.stdout.write('| self ms | share | function |\n| ---: | ---: | --- |\n');
    for (const row of summary.functions.slice(0, Number(values.top))) {
      process.stdout.write(`| ${row.ms.toFixed(1)} | ${pct(row.share)} | \`${row.what}\` |\n`);
    }
    process.stdout.write('\n| self ms | share | origin |\n| ---: | ---: | --- |\n');
    for (const row of summary.origins.slice(0, 15)) {
      process.stdout.write(`| ${row.ms.toFixed(1)} | ${pct(row.share)} | ${row.what} |\n`);
    }
    process.stdout.write('\n');
  }
}
