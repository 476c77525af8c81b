import { LEADER_FENCE_TABLE, type MigrationInterface, type QueryRunner } from '#keyway/persistence';

/** The fencing token of the ca replica that last wrote (libs/persistence leader-fence.ts). */
export class LeaderFence1765200000000 implements MigrationInterface {
  name = 'LeaderFence1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(LEADER_FENCE_TABLE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE leader_fence`);
  }
}
