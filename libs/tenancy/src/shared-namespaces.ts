/**
 * Objects in a namespace several teams share (istio-system, where Istio keeps gateway credentials):
 * each belongs to whoever created it, a team or the platform (admin), and only its creator (or admin)
 * changes or deletes it. In a namespace one team has to itself, its scope already decides. Pure.
 */
export interface TeamNamespaces {
  name: string;
  namespaces: readonly string[];
}

/** The teams that list `namespace`, sorted. */
export function teamsSharing(teams: readonly TeamNamespaces[], namespace: string): string[] {
  return teams
    .filter((t) => t.namespaces.includes(namespace))
    .map((t) => t.name)
    .sort();
}

/** The object's creator: a team's name, or null for the platform (admin, or a source outside the api). */
export type Creator = string | null;

export type ChangeDecision = { ok: true } | { ok: false; message: string };

/**
 * May `caller` (a team's name; undefined for admin) change or delete `resource` in `namespace`?
 * `creator` is undefined when keyway has no record of who created it (it does not exist yet, or it
 * predates the record): then the namespace scope decides.
 */
export function mayChange(
  teams: readonly TeamNamespaces[],
  caller: string | undefined,
  resource: string,
  namespace: string,
  creator: Creator | undefined,
): ChangeDecision {
  if (caller === undefined || creator === undefined || creator === caller) return { ok: true };
  const sharing = teamsSharing(teams, namespace);
  if (sharing.length < 2) return { ok: true };
  const owner = creator === null ? 'the platform (admin)' : `team ${creator}`;
  return {
    ok: false,
    message: `${resource} belongs to ${owner}: in namespace ${namespace}, which teams ${sharing.join(', ')} share, a team changes only what it created`,
  };
}
