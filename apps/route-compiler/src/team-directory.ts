import type { TeamRecord } from '#keyway/contracts';
import type { WatchEvent } from '#keyway/messaging';
import { HostOwnership } from '#keyway/tenancy';

/**
 * The teams bucket, as the compiler needs it: one HostOwnership, rebuilt only when a team changes
 * (the compiler's host filter caches per ownership object).
 */
export class TeamDirectory {
  readonly #teams = new Map<string, TeamRecord>();
  #ownership = new HostOwnership([]);

  /** True when what the teams own changed. */
  apply(event: WatchEvent<TeamRecord>): boolean {
    if (event.kind === 'put') this.#teams.set(event.key, event.value);
    else if (!this.#teams.delete(event.key)) return false;
    this.#ownership = new HostOwnership([...this.#teams.values()]);
    return true;
  }

  ownership(): HostOwnership {
    return this.#ownership;
  }
}
