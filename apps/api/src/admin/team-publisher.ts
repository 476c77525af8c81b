import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, teamRecord, type TeamRecord } from '#keyway/contracts';
import { provisionKeywayBucket, TypedBucket } from '#keyway/messaging';
import type { Team } from '../auth/token-store.js';

/**
 * Teams as the route-compiler needs them (namespaces and owned domains), in the teams bucket:
 * written on every change and again at startup, so the bucket always says what Postgres says.
 */
export class TeamPublisher {
  #bucket?: TypedBucket<typeof teamRecord>;

  constructor(
    private readonly nc: NatsConnection,
    /** NATS_KV_REPLICAS: the writer converges the bucket to it (left out, a 3-replica bucket shrank to 1). */
    private readonly replicas: number,
  ) {}

  async publish(team: Team): Promise<void> {
    const record: TeamRecord = {
      schemaVersion: 1,
      name: team.name,
      namespaces: team.namespaces,
      domains: team.domains ?? [],
    };
    await (await this.#open()).put(team.name, record);
  }

  async publishAll(teams: readonly Team[]): Promise<void> {
    for (const t of teams) await this.publish(t);
  }

  async #open(): Promise<TypedBucket<typeof teamRecord>> {
    this.#bucket ??= new TypedBucket(
      await provisionKeywayBucket(this.nc, Buckets.teams, this.replicas),
      teamRecord,
    );
    return this.#bucket;
  }
}
