import type { EntityManager } from 'typeorm';

/**
 * Fencing for active-standby writers (docs/deploy.md, "High availability"): a replica's token is the
 * revision of the lease write that made it leader, and tokens only grow. Every guarded transaction
 * raises the role's token in `leader_fence` to its own or finds a greater one; then a newer leader
 * has written, this transaction is refused, and the replica is told to stop. The row lock orders the
 * transactions of two replicas.
 */
export interface LeaderFence {
  role: string;
  token: number;
  onFenced(): void;
}

export class FencedError extends Error {
  constructor(role: string, token: number) {
    super(`${role}: a leader newer than this replica (token ${token}) writes here: this replica stops`);
    this.name = 'FencedError';
  }
}

/** The table each guarded schema holds (a migration creates it). */
export const LEADER_FENCE_TABLE = `CREATE TABLE leader_fence (role text PRIMARY KEY, token bigint NOT NULL)`;

/** Inside the transaction that writes: raise the fence or refuse. */
export async function checkLeaderFence(m: EntityManager, fence: LeaderFence): Promise<void> {
  const rows: unknown[] = await m.query(
    `INSERT INTO leader_fence (role, token) VALUES ($1, $2)
     ON CONFLICT (role) DO UPDATE SET token = EXCLUDED.token WHERE leader_fence.token <= EXCLUDED.token
     RETURNING token`,
    [fence.role, fence.token],
  );
  if (rows.length === 0) {
    fence.onFenced();
    throw new FencedError(fence.role, fence.token);
  }
}
