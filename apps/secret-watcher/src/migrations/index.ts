import { SecretWatcherSchema1764300000000 } from './1764300000000-secret-watcher-schema.js';

/** The secret_watcher schema's migrations, in order. */
export const SECRET_WATCHER_MIGRATIONS = [SecretWatcherSchema1764300000000];
