// deploy/: each Kubernetes manifest against the Kubernetes schema (kubernetes-models), the invariants the SIGTERM
// sequence relies on (grace period, probes, the CLI's own flags and defaults), and the Dockerfile against both.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseRunArgs } from '../../../packages/cli/dist/args/run-args.js';
import { cgroupCpuLimit } from '../../../packages/cli/dist/cpus.js';
import { resolveOptions } from '../../../packages/supervisor/dist/driver/options.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const manifestDir = path.join(root, 'deploy/kubernetes');
const appDir = path.join(root, 'deploy/app');

// biome-ignore lint/suspicious/noExplicitAny: a manifest is whatever the YAML holds; the checks below narrow it.
type Doc = any;

const models: Record<string, new (data: Doc) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function loadManifests(): Doc[] {
  const files = readdirSync(manifestDir).filter((file) => file.endsWith('.yaml'));
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(manifestDir, file), 'utf8')).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as Doc;
    }),
  );
}

/** Throws the schema's complaint, or an error for a kind this test does not know. */
function validate(doc: Doc): void {
  const Model = models[`${doc.apiVersion}/${doc.kind}`];
  if (Model === undefined) throw new Error(`no schema model for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc).validate();
}

const one = (docs: Doc[], kind: string): Doc => {
  const found = docs.filter((doc) => doc.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
};

const subset = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** The seconds a preStop hook waits: the sleep action, or `sleep N` run in the container. */
function preStopSeconds(container: Doc): number | undefined {
  const hook = container.lifecycle?.preStop;
  if (typeof hook?.sleep?.seconds === 'number') return hook.sleep.seconds;
  const command = hook?.exec?.command;
  if (Array.isArray(command) && command[0] === 'sleep') return Number(command[1]);
  return undefined;
}

/** Kubernetes' CPU quantity ("2", "1500m") in CPUs. */
function cpus(quantity: unknown): number {
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

/**
 * What the shutdown sequence needs from the manifests, as a list of problems (empty: all hold). Everything is
 * read from the manifests and from Shoal itself (its CLI parser, its supervisor's defaults), not restated here.
 */
function invariants(docs: Doc[]): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string): void => {
    if (!ok) problems.push(problem);
  };
  const deployment = one(docs, 'Deployment');
  const service = one(docs, 'Service');
  const pdb = one(docs, 'PodDisruptionBudget');
  const pod = deployment.spec?.template?.spec ?? {};
  const labels = deployment.spec?.template?.metadata?.labels ?? {};
  check(subset(deployment.spec?.selector?.matchLabels, labels), 'the Deployment selects its own pods');
  check(subset(service.spec?.selector, labels), "the Service selects the Deployment's pods");
  check(
    subset(pdb.spec?.selector?.matchLabels, labels),
    "the PodDisruptionBudget selects the Deployment's pods",
  );
  const replicas = deployment.spec?.replicas ?? 1;
  check(replicas >= 2, 'at least 2 replicas (a PodDisruptionBudget on one pod blocks every drain)');
  check(
    (pdb.spec?.maxUnavailable ?? 0) >= 1 || (pdb.spec?.minAvailable ?? replicas) < replicas,
    'the PodDisruptionBudget lets one pod go',
  );
  check(
    deployment.spec?.strategy?.rollingUpdate?.maxUnavailable === 0,
    'a rollout keeps every pod until replaced',
  );

  const containers: Doc[] = pod.containers ?? [];
  check(containers.length === 1, 'one container');
  const container = containers[0] ?? {};
  const ports = new Map<string, number>(
    (container.ports ?? []).map((port: Doc) => [String(port.name), port.containerPort]),
  );
  const portOf = (port: unknown): number | undefined =>
    typeof port === 'number' ? port : ports.get(String(port));

  // The container's arguments, through the real CLI's parser (the image's ENTRYPOINT is `shoal`).
  check(container.command === undefined, "no command: the image's ENTRYPOINT (shoal) runs");
  const args: string[] = container.args ?? [];
  check(args[0] === 'run', 'the args start with `run`');
  let settings: ReturnType<typeof parseRunArgs>['settings'] = {};
  try {
    settings = parseRunArgs(args.slice(1)).settings;
  } catch (error) {
    problems.push(`shoal run rejects the args: ${(error as Error).message}`);
  }
  check(
    settings.app !== undefined && existsSync(path.join(appDir, settings.app)),
    'the app is deploy/app/<file>',
  );
  const metrics = settings.metrics;
  check(metrics !== undefined, '--metrics is given (the probes need it)');
  check(
    metrics === undefined || ['0.0.0.0', '::'].includes(metrics.host),
    '--metrics listens beyond loopback (the kubelet probes the pod IP)',
  );
  check(
    metrics !== undefined && ports.get('metrics') === metrics.port,
    "the container's `metrics` port is --metrics's port",
  );
  const env = new Map<string, string>((container.env ?? []).map((v: Doc) => [v.name, String(v.value)]));
  check(ports.get('http') === Number(env.get('PORT')), "the `http` port is the app's PORT");
  check(
    portOf(service.spec?.ports?.[0]?.targetPort) === ports.get('http'),
    "the Service targets the app's port",
  );

  // The probes are what `shoal run --metrics` serves.
  for (const [probe, pathname] of [
    ['readinessProbe', '/readyz'],
    ['livenessProbe', '/livez'],
  ] as const) {
    const get = container[probe]?.httpGet;
    check(get?.path === pathname, `${probe} is GET ${pathname}`);
    check(get === undefined || (get.scheme ?? 'HTTP') === 'HTTP', `${probe} is plain HTTP`);
    check(
      metrics !== undefined && portOf(get?.port) === metrics.port,
      `${probe} asks the --metrics port (${metrics?.port})`,
    );
  }
  if (container.startupProbe !== undefined)
    check(
      portOf(container.startupProbe.httpGet?.port) === metrics?.port,
      'startupProbe asks the --metrics port',
    );

  // SIGTERM comes after the preStop sleep; Shoal then waits its own delay and drains within its budget: the
  // container's --shutdown-delay/--shutdown-timeout, or the supervisor's defaults for what it leaves out.
  const shoal = resolveOptions({
    shutdownDelayMs: settings.shutdownDelay,
    shutdownTimeoutMs: settings.shutdownTimeout,
  });
  const sleep = preStopSeconds(container);
  check(sleep !== undefined && sleep >= 1, 'a preStop sleep of at least 1 s');
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  const needed = (sleep ?? 0) + (shoal.shutdownDelayMs + shoal.shutdownTimeoutMs) / 1000;
  check(
    grace > needed,
    `terminationGracePeriodSeconds (${grace}) > preStop + Shoal's delay and budget (${needed})`,
  );

  // `-i max` counts the cgroup's CPUs: without a CPU limit it would fork one worker per core of the node.
  const cpuLimit = container.resources?.limits?.cpu;
  check(settings.instances !== 'max' || cpuLimit !== undefined, '-i max comes with a CPU limit');
  check(container.resources?.limits?.memory !== undefined, 'a memory limit');
  return problems;
}

/** The Dockerfile's instructions: continuation lines joined, comments and blank lines dropped. */
function dockerInstructions(text: string): Array<{ op: string; args: string }> {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const copy = <T>(value: T): T => structuredClone(value);

describe('deploy/kubernetes', () => {
  const docs = loadManifests();
  const deploymentOf = (all: Doc[]): Doc => one(all, 'Deployment');
  const containerOf = (all: Doc[]): Doc => deploymentOf(all).spec.template.spec.containers[0];

  it('each document is valid against the Kubernetes schema (kubernetes-models 4.5.1)', () => {
    expect(docs.map((doc) => doc.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service']);
    for (const doc of docs) expect(() => validate(doc), `${doc.kind} ${doc.metadata?.name}`).not.toThrow();
  });

  it('a broken manifest fails the schema', () => {
    const broken: Array<[string, (all: Doc[]) => void, RegExp]> = [
      [
        'a port that is not a number',
        (all) => (containerOf(all).ports[1].containerPort = 'metrics'),
        /containers\/0\/ports\/1\/containerPort must be integer/,
      ],
      [
        'replicas as text',
        (all) => (deploymentOf(all).spec.replicas = 'three'),
        /spec\/replicas must be integer/,
      ],
      [
        'a container without a name',
        (all) => delete containerOf(all).name,
        /containers\/0 must have required property name/,
      ],
      [
        'a preStop sleep as text',
        (all) => (containerOf(all).lifecycle.preStop.sleep.seconds = '5s'),
        /preStop\/sleep\/seconds must be integer/,
      ],
      [
        'Service ports that are not a list',
        (all) => (one(all, 'Service').spec.ports = 'http'),
        /spec\/ports must be array/,
      ],
    ];
    for (const [what, mutate, complaint] of broken) {
      const all = copy(docs);
      mutate(all);
      expect(() => all.forEach(validate), what).toThrow(complaint);
    }
  });

  it('holds the invariants of the shutdown sequence, read from the manifests and from Shoal itself', () => {
    expect(invariants(docs)).toEqual([]);
  });

  it('a manifest that breaks an invariant is caught (the schema alone passes most of these)', () => {
    const broken: Array<[string, (all: Doc[]) => void, string]> = [
      [
        'grace period too short',
        (all) => (deploymentOf(all).spec.template.spec.terminationGracePeriodSeconds = 30),
        'terminationGracePeriodSeconds',
      ],
      ['no preStop', (all) => delete containerOf(all).lifecycle, 'preStop'],
      [
        'readiness on /healthz',
        (all) => (containerOf(all).readinessProbe.httpGet.path = '/healthz'),
        'readinessProbe is GET /readyz',
      ],
      [
        'liveness on the app port',
        (all) => (containerOf(all).livenessProbe.httpGet.port = 'http'),
        'livenessProbe asks',
      ],
      [
        'readinessProbe misspelt',
        (all) => {
          const container = containerOf(all);
          container.readinesProbe = container.readinessProbe;
          delete container.readinessProbe;
        },
        'readinessProbe is GET',
      ],
      [
        'metrics on loopback',
        (all) => (containerOf(all).args = ['run', 'server.js', '-i', 'max', '--metrics', '9100']),
        'beyond loopback',
      ],
      [
        'a flag shoal run does not have',
        (all) => containerOf(all).args.push('--drain-budget', '20'),
        'shoal run rejects the args',
      ],
      ['-i max without a CPU limit', (all) => delete containerOf(all).resources.limits.cpu, 'CPU limit'],
      [
        'a PDB selecting other pods',
        (all) => (one(all, 'PodDisruptionBudget').spec.selector.matchLabels = { app: 'other' }),
        'PodDisruptionBudget selects',
      ],
      [
        'a Service targeting no port',
        (all) => (one(all, 'Service').spec.ports[0].targetPort = 'web'),
        'Service targets',
      ],
    ];
    for (const [what, mutate, problem] of broken) {
      const all = copy(docs);
      mutate(all);
      expect(invariants(all).join('\n'), what).toContain(problem);
    }
    // The schema alone lets a misspelt field through (it does not reject unknown fields): the invariants catch it.
    const misspelt = copy(docs);
    containerOf(misspelt).readinesProbe = containerOf(misspelt).readinessProbe;
    delete containerOf(misspelt).readinessProbe;
    expect(() => misspelt.forEach(validate)).not.toThrow();
  });

  it('`-i max` under the CPU limit: the CLI reads the quota the kubelet writes to cpu.max', () => {
    const limit = cpus(containerOf(docs).resources.limits.cpu);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shoal-cpu-max-'));
    try {
      // cgroup v2: "<quota> <period>" in microseconds; the kubelet's period is 100 ms.
      const file = path.join(dir, 'cpu.max');
      writeFileSync(file, `${Math.round(limit * 100_000)} 100000\n`);
      expect(cgroupCpuLimit(file)).toBe(Math.ceil(limit));
      expect(cgroupCpuLimit(file)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("passes the container's shutdown flags to the supervisor, whose defaults fill in the rest", () => {
    const run = readFileSync(path.join(root, 'packages/cli/dist/commands/run.js'), 'utf8');
    expect(run).toMatch(/shutdownDelayMs: settings\.shutdownDelay/);
    expect(run).toMatch(/shutdownTimeoutMs: settings\.shutdownTimeout/);
    const container = one(loadManifests(), 'Deployment').spec.template.spec.containers[0];
    const settings = parseRunArgs(container.args.slice(1)).settings;
    expect([settings.shutdownDelay, settings.shutdownTimeout]).toEqual([undefined, 30_000]);
    expect(resolveOptions({}).shutdownDelayMs).toBe(0);
  });
});

describe('deploy/Dockerfile', () => {
  const instructions = dockerInstructions(readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8'));
  const container = one(loadManifests(), 'Deployment').spec.template.spec.containers[0];
  const stages = instructions.filter((i) => i.op === 'FROM');
  const last = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));
  const final = (op: string) => last.filter((i) => i.op === op);

  it('is a multi-stage build on the official node image', () => {
    const arg = instructions.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    const image = arg?.args.slice('NODE_IMAGE='.length) ?? '';
    expect(image).toMatch(/^node:(\d+)(-[a-z]+)*$/);
    expect(Number(/^node:(\d+)/.exec(image)?.[1])).toBeGreaterThanOrEqual(20);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.args.split(' ')[0]).toBe(`\${NODE_IMAGE}`);
    // The build stage packs the workspace; the final one installs the tarballs with plain npm from that stage.
    const name = stages[0]!.args.split(/\s+AS\s+/i)[1];
    const build = instructions
      .slice(0, instructions.indexOf(stages[1]!))
      .map((i) => i.args)
      .join('\n');
    expect(build).toContain('install --frozen-lockfile');
    expect(build).toContain('pack --pack-destination /packs');
    const install = final('RUN').find((i) => i.args.includes('npm install'));
    expect(install?.args).toContain(`from=${name},source=/packs,target=/packs`);
    expect(install?.args).toMatch(/npm install .*\/packs\/\*\.tgz/);
  });

  it('copies only files that exist in the context (the repository root) and the ignore file keeps host builds out', () => {
    for (const i of instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
      const sources = i.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(path.join(root, source)), source).toBe(true);
    }
    const ignored = readFileSync(path.join(root, 'deploy/Dockerfile.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']));
  });

  it("runs the Deployment's command: ENTRYPOINT is the shoal bin npm installs, CMD is the container's args", () => {
    const workdir = final('WORKDIR').at(-1)?.args;
    const cli = JSON.parse(readFileSync(path.join(root, 'packages/cli/package.json'), 'utf8'));
    expect(Object.keys(cli.bin)).toEqual(['shoal']);
    expect(JSON.parse(final('ENTRYPOINT').at(-1)?.args ?? 'null')).toEqual([
      `${workdir}/node_modules/.bin/shoal`,
    ]);
    expect(container.command).toBeUndefined();
    expect(JSON.parse(final('CMD').at(-1)?.args ?? 'null')).toEqual(container.args);
    // The app the args name is copied into the working directory.
    const app = parseRunArgs(container.args.slice(1)).settings.app;
    expect(final('COPY').some((i) => i.args.split(/\s+/).includes(`deploy/app/${app}`))).toBe(true);
    expect(container.workingDir ?? workdir).toBe(workdir);
  });

  it("exposes the container's ports and runs as the node image's unprivileged user", () => {
    const exposed = final('EXPOSE').flatMap((i) => i.args.split(/\s+/).map(Number));
    const ports = container.ports.map((port: Doc) => port.containerPort);
    expect(exposed.sort()).toEqual(ports.sort());
    expect(final('USER').at(-1)?.args).toBe('node');
    // uid 1000 is the official node image's `node` user.
    expect(one(loadManifests(), 'Deployment').spec.template.spec.securityContext.runAsUser).toBe(1000);
  });
});
