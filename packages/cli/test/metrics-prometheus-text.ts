// A strict parser of Prometheus' text exposition format (0.0.4) for the metrics tests: it throws on anything a
// Prometheus server would reject (bad names, escapes or values, a family split or typed twice, a duplicate series).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string | undefined;
  samples: Sample[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const types = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const suffixes: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: Family | undefined;
  const fail = (line: number, message: string): never => {
    throw new Error(`line ${line + 1}: ${message}`);
  };
  const enter = (name: string, line: number): Family => {
    if (current?.name === name) return current;
    if (current !== undefined) closed.add(current.name);
    if (closed.has(name)) fail(line, `family ${name} is not contiguous`);
    const family = families.get(name) ?? { name, type: 'untyped', help: undefined, samples: [] };
    families.set(name, family);
    current = family;
    return family;
  };
  if (text !== '' && !text.endsWith('\n')) throw new Error('the body does not end with a newline');
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((raw, line) => {
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(raw);
      if (match === null) return; // a plain comment
      const [, keyword, name = '', rest = ''] = match;
      if (metricName.exec(name)?.[0] !== name) fail(line, `bad metric name ${name}`);
      const family = enter(name, line);
      if (keyword === 'TYPE') {
        if (!types.has(rest)) fail(line, `bad type ${rest}`);
        if (family.samples.length > 0) fail(line, `TYPE of ${name} after its samples`);
        if (family.type !== 'untyped') fail(line, `second TYPE for ${name}`);
        family.type = rest;
      } else {
        if (family.help !== undefined) fail(line, `second HELP for ${name}`);
        family.help = unescapeText(rest, false, () => fail(line, 'bad escape in HELP'));
      }
      return;
    }
    const sample = parseSample(raw, (message) => fail(line, message));
    const owner = familyOf(sample.name, current);
    const family = enter(owner, line);
    family.samples.push(sample);
    const id = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (series.has(id)) fail(line, `duplicate series ${id}`);
    series.add(id);
  });
  return families;
}

/** Sums of a family's samples named `name` (default: the family's own name), grouped by nothing. */
export function total(families: Map<string, Family>, family: string, name = family): number {
  const found = families.get(family);
  if (found === undefined) throw new Error(`no family ${family}`);
  return found.samples
    .filter((sample) => sample.name === name)
    .reduce((sum, sample) => sum + sample.value, 0);
}

export function samplesOf(families: Map<string, Family>, family: string): Sample[] {
  const found = families.get(family);
  if (found === undefined) throw new Error(`no family ${family}`);
  return found.samples;
}

function familyOf(sampleName: string, current: Family | undefined): string {
  if (current !== undefined && sampleName !== current.name) {
    const allowed = suffixes[current.type] ?? [];
    if (allowed.some((suffix) => sampleName === `${current.name}${suffix}`)) return current.name;
  }
  return sampleName;
}

function parseSample(raw: string, fail: (message: string) => never): Sample {
  const name = metricName.exec(raw)?.[0] ?? fail(`bad sample ${raw}`);
  let rest = raw.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = labelName.exec(rest)?.[0] ?? fail(`bad label name in ${raw}`);
      rest = rest.slice(label.length);
      if (!rest.startsWith('="')) fail(`expected =" after ${label} in ${raw}`);
      rest = rest.slice(2);
      let end = 0;
      while (end < rest.length && rest[end] !== '"') end += rest[end] === '\\' ? 2 : 1;
      if (end >= rest.length) fail(`unterminated label value in ${raw}`);
      if (label in labels) fail(`label ${label} twice in ${raw}`);
      labels[label] = unescapeText(rest.slice(0, end), true, () => fail(`bad escape in ${raw}`));
      rest = rest.slice(end + 1);
      if (rest.startsWith(',')) rest = rest.slice(1);
      else if (!rest.startsWith('}')) fail(`expected , or } in ${raw}`);
    }
    rest = rest.slice(1);
  }
  const fields = /^ (\S+)(?: (-?\d+))?$/.exec(rest) ?? fail(`bad value part in ${raw}`);
  return { name, labels, value: parseValue(fields[1] ?? '', fail) };
}

function parseValue(text: string, fail: (message: string) => never): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) fail(`bad value ${text}`);
  return Number(text);
}

function unescapeText(text: string, quotes: boolean, fail: () => never): string {
  return text.replace(/\\(.?)/g, (_, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    if (next === '"' && quotes) return '"';
    return fail();
  });
}
