// prom-client's AggregatorRegistry.clusterMetrics() in a primary under @shoal/cluster/register gives what it gives
// on node:cluster; and the strict text parser the metrics tests rely on rejects what Prometheus would.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { get, ProcessFixture } from '../../../tools/test-support/index.js';
import { parsePrometheusText, total } from './metrics-prometheus-text.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('./fixtures/metrics-aggregator.mjs', import.meta.url));

async function clusterMetricsUnder(mode: 'node' | 'shoal', requests: number) {
  const primary = ProcessFixture.start(script, { cwd: packageDir, env: { METRICS_MODE: mode } });
  const started = await primary.waitForEvent('primary');
  const [first] = await primary.waitForCount('listening', 2);
  for (let i = 0; i < requests; i++) await get(first?.port as number, i % 2 === 0 ? '/' : '/other');
  primary.send({ do: 'scrape' });
  const scraped = await primary.waitFor((event) => event.event.startsWith('scrape'), 10_000, 'a scrape');
  await primary.kill();
  expect(scraped.event).toBe('scraped');
  return { strategy: started.strategy, families: parsePrometheusText(scraped.text as string) };
}

describe('AggregatorRegistry.clusterMetrics() under @shoal/cluster/register', () => {
  it('sums the workers’ counters as on node:cluster, with the same families and types', async () => {
    const node = await clusterMetricsUnder('node', 12);
    const shoal = await clusterMetricsUnder('shoal', 12);
    expect(node.strategy).toBe('node');
    expect(shoal.strategy).not.toBe('node'); // Shoal's primary really served the second run
    for (const run of [node, shoal]) {
      expect(total(run.families, 'app_requests_total')).toBe(12);
      expect(run.families.get('app_worker_up')?.samples[0]?.value).toBe(1);
    }
    const shape = (families: typeof node.families) =>
      [...families.values()].map((family) => `${family.name}:${family.type}`).sort();
    expect(shape(shoal.families)).toEqual(shape(node.families));
  });
});

describe('the Prometheus text parser of these tests', () => {
  it('reads families, labels with escapes, special values and histogram samples', () => {
    const families = parsePrometheusText(
      [
        '# HELP a_total A "counter" \\\\ with\\nlines',
        '# TYPE a_total counter',
        'a_total{x="q\\"\\\\\\n",y=""} 3',
        'a_total 1e3 1700000000000',
        '# TYPE h histogram',
        'h_bucket{le="+Inf"} 2',
        'h_sum 0.5',
        'h_count 2',
        'g NaN',
        '',
      ].join('\n'),
    );
    expect(families.get('a_total')).toMatchObject({ type: 'counter', help: 'A "counter" \\ with\nlines' });
    expect(families.get('a_total')?.samples[0]?.labels).toEqual({ x: 'q"\\\n', y: '' });
    expect(total(families, 'a_total')).toBe(1003);
    expect(families.get('h')?.samples).toHaveLength(3);
    expect(families.get('g')?.samples[0]?.value).toBeNaN();
  });

  it.each([
    ['a 1', 'no trailing newline'],
    ['a{x="1"} 1\na{x="1"} 2\n', 'a duplicate series'],
    ['a 1\nb 1\na 2\n', 'a family split'],
    ['a 1\n# TYPE a gauge\n', 'TYPE after samples'],
    ['# TYPE a gauge\n# TYPE a gauge\n', 'a second TYPE'],
    ['# TYPE a meter\n', 'an unknown type'],
    ['a{x="1} 1\n', 'an unterminated label value'],
    ['a{x="\\t"} 1\n', 'a bad escape'],
    ['a{1x="1"} 1\n', 'a bad label name'],
    ['a one\n', 'a bad value'],
    ['1a 1\n', 'a bad metric name'],
  ])('rejects %j (%s)', (text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
