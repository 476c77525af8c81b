import { LEADER_FENCE_TABLE, type MigrationInterface, type QueryRunner } from '#keyway/persistence';

/**
 * The fencing token of the replica that last wrote the audit log (its lease revision, see
 * libs/messaging/src/lease-rules.ts). Every audit commit raises it to its own token or finds a greater
 * one and is refused: a replica that lost its lease cannot write after the one that took over has.
 */
export class LeaderFence1765000000000 implements MigrationInterface {
  name = 'LeaderFence1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(LEADER_FENCE_TABLE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE leader_fence`);
  }
}
