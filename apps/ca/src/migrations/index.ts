import { CaSchema1764000000000 } from './1764000000000-ca-schema.js';
import { LeaderFence1765200000000 } from './1765200000000-leader-fence.js';
import { CaRecords1765300000000 } from './1765300000000-ca-records.js';
import { CaAuditExportCursor1765500000000 } from './1765500000000-audit-export-cursor.js';

/** The ca schema's migrations, in order. */
export const CA_MIGRATIONS = [
  CaSchema1764000000000,
  LeaderFence1765200000000,
  CaRecords1765300000000,
  CaAuditExportCursor1765500000000,
];
