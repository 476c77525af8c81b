import { CaSchema1764000000000 } from './1764000000000-ca-schema.js';

/** The ca schema's migrations, in order. */
export const CA_MIGRATIONS = [CaSchema1764000000000];
