import { checkLeaderFence, type EntityManager, type LeaderFence } from '#keyway/persistence';
import { CaError } from './errors.js';

/**
 * What every write of the CA's record checks first, inside its transaction: that this replica still
 * leads (the fence, active-standby), and that a required audit device (AUDIT_SINK_REQUIRED) can be
 * written, so nothing is issued, revoked or published that the device would not get (fail closed).
 */
export interface RecordGuard {
  fence?: LeaderFence;
  device?: { writable(): boolean; health(): { detail: string } };
}

export async function guardRecordWrite(m: EntityManager, g: RecordGuard | undefined): Promise<void> {
  if (g?.device && !g.device.writable())
    throw new CaError('unavailable', `the CA's audit device cannot be written: ${g.device.health().detail}`);
  if (g?.fence) await checkLeaderFence(m, g.fence);
}
