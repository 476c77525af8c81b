export interface ClusterWeight {
  name: string;
  weight: number;
}

/**
 * Picks a cluster by weight. `random` is in [0, 1); the caller supplies it so routing stays pure
 * and tests can pin a pick.
 */
export function pickWeighted(clusters: readonly ClusterWeight[], random: number): string | undefined {
  const total = clusters.reduce((sum, c) => sum + c.weight, 0);
  if (total <= 0) return undefined;
  let point = Math.floor(random * total);
  for (const c of clusters) {
    if (point < c.weight) return c.name;
    point -= c.weight;
  }
  return clusters[clusters.length - 1]?.name;
}
