// The text `--help` prints for `shoal` and for each command.
export const helpTexts: Record<string, string> = {
  shoal: `Usage: shoal <command> [flags]

Run an unmodified Node app as a supervised cluster, and control it.

Commands:
  run <app.js>     run the app as a cluster (stays in the foreground)
  status           show the workers of a running cluster
  reload           rolling reload: replace every worker, one at a time
  scale <N>        grow or shrink a running cluster to N workers
  stop             graceful shutdown of a running cluster

Flags:
  -h, --help       help (also: shoal <command> --help)
  -v, --version    the version of @shoal/cli
`,
  run: `Usage: shoal run <app.js> [flags] [-- app args]

Runs app.js (CommonJS or ESM, unmodified: it just listens) in N worker processes that share its ports.
This process is the primary: SIGHUP reloads (rolling), SIGTERM/SIGINT shut down gracefully (exit 0; a
second one kills), a crash loop or an app that cannot start exits 1.

Flags:
  -i, --instances max|N   workers (default max: the CPUs, honouring a cgroup cpu.max quota)
  --strategy NAME         how connections are spread: round-robin (default), least-connections,
                          power-of-two, shared, reuseport, weighted-round-robin, consistent-hash
  --route-by LIST         sticky by what each connection sends first (consistent-hash): sources tried
                          in order, e.g. cookie:sid,query:sid,header:x-forwarded-for,proxy (the client
                          of a PROXY protocol header, which is stripped before the app reads)
  --proxy-from LIST       the proxies whose PROXY header is believed (e.g. 10.0.0.5,10.0.0.6);
                          from any other peer one is refused. Unset: believed from anybody
  --ready                 a worker is ready when it calls ready() (or process.send('ready')),
                          not when it listens
  --shutdown-delay T      at SIGTERM, /readyz turns 503 and the workers keep serving for T before
                          the drain starts (default 0; 5000, 500ms, 5s, 1m)
  --shutdown-timeout T    the whole shutdown's budget, then what is left is killed (default 30s)
  --drain-timeout T       one worker's drain limit, at shutdown or a reload (default 10s)
  --metrics [HOST:]PORT   Prometheus /metrics, /livez, /readyz (host default 127.0.0.1)
  --env-file F            extra environment for the workers (dotenv format)
  --node-args "..."       Node flags for the workers, e.g. --node-args "--max-old-space-size=512"
  --watch                 rolling reload when a file under the app's directory changes
                          (node_modules and dotfiles ignored)
  --raw                   the app's output as it is, without the [index] prefix
  --log-file F            also append the app's output to F
  --name NAME             the cluster's name for status/reload/scale/stop (default: the app's
                          file name without extension)
  --config F              a config file (default: shoal.config.json or .js in this directory);
                          its keys: app, instances, strategy, routeBy, proxyFrom, ready, shutdownDelay,
                          shutdownTimeout, drainTimeout, metrics, envFile, nodeArgs,
                          watch, raw, logFile, name, args, env. Flags win.
  -h, --help              this help

Output: the app's stdout and stderr pass through, each line prefixed with its worker's index.
Shoal's own events go to stderr only: a live status table on a terminal, else one JSON line each.
`,
  status: `Usage: shoal status [--name NAME] [--json]

Shows the workers of a running cluster (the only one running, or the one named).

Flags:
  --name NAME   which cluster (needed when several are running)
  --json        the snapshot as JSON
  -h, --help    this help
`,
  reload: `Usage: shoal reload [--name NAME] [--json]

Rolling reload: every worker is replaced, each new one ready before the old one drains. Exits 1 if the
reload failed (the old workers keep serving).

Flags:
  --name NAME   which cluster (needed when several are running)
  --json        the reload's report as JSON
  -h, --help    this help
`,
  scale: `Usage: shoal scale <N> [--name NAME]

Grows (lowest free indices) or shrinks (the highest indices drain) a running cluster to N workers.

Flags:
  --name NAME   which cluster (needed when several are running)
  -h, --help    this help
`,
  stop: `Usage: shoal stop [--name NAME]

Graceful shutdown of a running cluster, as SIGTERM would; returns once it has exited.

Flags:
  --name NAME   which cluster (needed when several are running)
  -h, --help    this help
`,
};
