import { Controller, Get } from '@nestjs/common';
import { Caller, requireAllowed } from '../auth/caller.js';
import { readableNamespaces, type Principal } from '../auth/principal.js';
import { MAX_LISTED, ResourceService } from '../resources/resource-service.js';

type Obj = Record<string, unknown>;

/**
 * `GET /v1/console/credentials`: every credential the caller may read, in one answer, for the web
 * console's table (apps/console), where `GET /v1/resources/secrets` would take ten requests of 1000
 * for 10,000 Secrets, each reading the whole list from the secret-watcher again. Read-only; metadata
 * and keyway's annotations only, never data.
 */
@Controller()
export class ConsoleCredentialsController {
  constructor(private readonly resources: ResourceService) {}

  @Get('v1/console/credentials')
  async credentials(@Caller() caller: Principal): Promise<{ items: Obj[]; truncated: boolean }> {
    requireAllowed(caller, 'read');
    const allowed = readableNamespaces(caller);
    const all = await this.resources.list('secrets');
    const items = all
      .map((o) => ({ type: o.type, metadata: o.metadata as Obj }))
      .filter((o) => allowed === undefined || allowed.includes(String(o.metadata.namespace)));
    return { items, truncated: all.length >= MAX_LISTED };
  }
}
