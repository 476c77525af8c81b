/**
 * Who may claim a hostname on the shared gateway. One source of truth: each team's `domains`
 * (kept with the team by the api, published to the teams bucket):
 * - a domain `shop.example.com` covers exactly that name; `*.shop.example.com` covers every name
 *   under it (and a wildcard host under it);
 * - a host belongs to the team whose domain covers it (the most specific domain wins when two
 *   teams' domains nest: `*.example.com` for the platform's catch-all team, `*.shop.example.com`
 *   for the shop team);
 * - a team's namespaces may claim only hosts it owns, on every protocol and port; `*` and hosts
 *   outside every team's domains belong to the platform;
 * - a namespace that belongs to no team is the platform's (istio-system, default...): what the admin
 *   puts there may claim any host, so Istio's walkthrough runs verbatim.
 * Pure: teams in, verdicts out.
 */
export interface TeamDomains {
  name: string;
  namespaces: readonly string[];
  domains: readonly string[];
}

export type HostVerdict =
  | { ok: true }
  | {
      ok: false;
      rule: 'host-owned-by-another-team' | 'host-outside-team-domains';
      owner: string;
      message: string;
    };

export class HostOwnership {
  readonly #teamOfNamespace = new Map<string, string>();
  readonly #domains: Array<{ team: string; domain: string }> = [];

  constructor(teams: readonly TeamDomains[]) {
    for (const t of teams) {
      for (const ns of t.namespaces) this.#teamOfNamespace.set(ns, t.name);
      for (const d of t.domains) this.#domains.push({ team: t.name, domain: d.toLowerCase() });
    }
  }

  /** The team owning `host`, or undefined (the platform's). */
  ownerOf(host: string): string | undefined {
    let best: { team: string; specificity: number } | undefined;
    for (const { team, domain } of this.#domains) {
      const specificity = covers(domain, host.toLowerCase());
      if (specificity > 0 && (!best || specificity > best.specificity)) best = { team, specificity };
    }
    return best?.team;
  }

  teamOf(namespace: string): string | undefined {
    return this.#teamOfNamespace.get(namespace);
  }

  /** May an object in `namespace` claim or bind `host`? */
  check(namespace: string, host: string): HostVerdict {
    const team = this.teamOf(namespace);
    if (team === undefined) return { ok: true };
    const owner = this.ownerOf(host);
    if (owner === team) return { ok: true };
    if (owner !== undefined)
      return {
        ok: false,
        rule: 'host-owned-by-another-team',
        owner,
        message: `host "${host}" belongs to team ${owner}; team ${team} may claim only hosts under its domains`,
      };
    return {
      ok: false,
      rule: 'host-outside-team-domains',
      owner: 'platform',
      message: `host "${host}" is outside team ${team}'s domains (it belongs to the platform)`,
    };
  }
}

/** How specifically `domain` covers `host` (0: not at all); an exact name beats any wildcard. */
function covers(domain: string, host: string): number {
  if (domain === host) return 1000 + domain.length;
  if (!domain.startsWith('*.')) return 0;
  const suffix = domain.slice(1); // `.shop.example.com`
  // `a.shop.example.com` and `*.shop.example.com` (or `*.x.shop.example.com`) are under it.
  const name = host.startsWith('*.') ? host.slice(1) : `.${host}`;
  return name.endsWith(suffix) && name.length > suffix.length ? suffix.length : 0;
}
