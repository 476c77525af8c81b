import { checkLeaderFence, type DataSource, type EntityManager, type LeaderFence } from '#keyway/persistence';
import type { CaRecord } from '#keyway/secrets';
import { appendCaRecords } from './ca-records.js';
import { CaError } from './errors.js';

/**
 * What every write of the CA's record checks first, inside its transaction: that this replica still
 * leads (the fence, active-standby), and that a required audit device (AUDIT_SINK_REQUIRED) can be
 * written, so nothing is issued, revoked or published that the device would not get (fail closed).
 * Once the transaction committed, the signed checkpoints hear how many rows it added
 * (AUDIT_CHECKPOINT_ROWS).
 */
export interface RecordGuard {
  fence?: LeaderFence;
  device?: { writable(): boolean; health(): { detail: string } };
  checkpoints?: { rowsCommitted(n: number): void };
}

export async function guardRecordWrite(m: EntityManager, g: RecordGuard | undefined): Promise<void> {
  if (g?.device && !g.device.writable())
    throw new CaError('unavailable', `the CA's audit device cannot be written: ${g.device.health().detail}`);
  if (g?.fence) await checkLeaderFence(m, g.fence);
}

/** Appends rows of the CA's record inside the transaction of a write (see writeCaRecord). */
export type AppendCaRecords = (records: readonly CaRecord[]) => Promise<void>;

/**
 * One write of the CA's record: its transaction, guarded first; `append` adds the rows that say what
 * it did, counted for the checkpoints once (and only if) the transaction committed.
 */
export async function writeCaRecord<T>(
  ds: DataSource,
  g: RecordGuard | undefined,
  work: (m: EntityManager, append: AppendCaRecords) => Promise<T>,
): Promise<T> {
  let rows = 0;
  const out = await ds.transaction(async (m) => {
    await guardRecordWrite(m, g);
    return work(m, async (records) => {
      await appendCaRecords(m, records);
      rows += records.length;
    });
  });
  if (rows > 0) g?.checkpoints?.rowsCommitted(rows);
  return out;
}
