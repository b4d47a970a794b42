// Starting the observed-primary fixture (fixtures/observed.mjs) and asking it for cluster.inspect().
import type { ClusterSnapshot } from '@shoal/primary';
import { type FixtureEvent, ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

export function observed(env: NodeJS.ProcessEnv): ProcessFixture {
  return ProcessFixture.start(fixture('observed.mjs'), { env: { HOST: '127.0.0.1', ...env } });
}

export async function inspect(primary: ProcessFixture): Promise<ClusterSnapshot> {
  const before = primary.named('primary:inspect').length;
  primary.send({ do: 'inspect' });
  const all = await primary.waitForCount('primary:inspect', before + 1);
  return (all[before] as FixtureEvent).snapshot as ClusterSnapshot;
}
