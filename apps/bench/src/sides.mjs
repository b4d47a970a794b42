// The two sides of every pair. The "shoal" side runs @shoal/cluster, or node:cluster again in a control run
// (--control), whose ratios show how far apart two identical sides land on this machine: the noise floor.

/** The CLUSTER_MODULE the program under test imports for `side` ('node' or 'shoal'). */
export function clusterModule(config, side) {
  if (side === 'node' || config.control) return 'node:cluster';
  return '@shoal/cluster';
}
