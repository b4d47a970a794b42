// The metrics server and socket activation live in modules of their own; they are loaded by name so `shoal run`
// still builds and runs without them, and says so when one is asked for but absent.
import type { Supervisor } from '@shoal/supervisor';

export interface MetricsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

type MetricsModule = {
  startMetricsServer(supervisor: Supervisor, options: { host: string; port: number }): Promise<MetricsServer>;
};
type ActivationModule = { inheritedSockets(env?: NodeJS.ProcessEnv): number[] };

async function load<T>(specifier: string): Promise<T | undefined> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(specifier.slice(2)))
      return undefined;
    throw error;
  }
}

export function loadMetrics(): Promise<MetricsModule | undefined> {
  return load<MetricsModule>('./metrics/server.js');
}

export function loadActivation(): Promise<ActivationModule | undefined> {
  return load<ActivationModule>('./activation.js');
}
