import { ApiSchema1764200000000 } from './1764200000000-api-schema.js';
import { TeamDomains1764900000000 } from './1764900000000-team-domains.js';
import { ObjectCreators1765100000000 } from './1765100000000-object-creators.js';
import { RequestLogCount1765400000000 } from './1765400000000-request-log-count.js';
import { ApiAuditExportCursor1765500000000 } from './1765500000000-audit-export-cursor.js';
import { Acme1766000000000 } from './1766000000000-acme.js';

/** The api schema's migrations, in order. */
export const API_MIGRATIONS = [
  ApiSchema1764200000000,
  TeamDomains1764900000000,
  ObjectCreators1765100000000,
  RequestLogCount1765400000000,
  ApiAuditExportCursor1765500000000,
  Acme1766000000000,
];
