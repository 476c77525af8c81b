import { SecretWatcherSchema1764300000000 } from './1764300000000-secret-watcher-schema.js';
import { LeaderFence1765000000000 } from './1765000000000-leader-fence.js';
import { AuditExportCursor1765400000000 } from './1765400000000-audit-export-cursor.js';

/** The secret_watcher schema's migrations, in order. */
export const SECRET_WATCHER_MIGRATIONS = [
  SecretWatcherSchema1764300000000,
  LeaderFence1765000000000,
  AuditExportCursor1765400000000,
];
