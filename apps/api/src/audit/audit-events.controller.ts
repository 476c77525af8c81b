import { Controller, Get, Inject, Query } from '@nestjs/common';
import {
  AUDIT_EVENT_KINDS,
  k8sName,
  k8sNamespace,
  Subjects,
  validatePayload,
  type AuditEvent,
} from '#keyway/contracts';
import { clientText } from '#keyway/observability';
import { Caller, requireRecordReader } from '../auth/caller.js';
import { auditsEverything, readableNamespaces, type Principal } from '../auth/principal.js';
import { forward, type CommandSender } from '../forwarder.js';
import { ApiError } from '../http-errors.js';
import { checkedParam } from '../path-params.js';
import { COMMANDS, REQUEST_LOG } from '../tokens.js';
import type { RequestLog } from './request-log.js';
import { decodeCursor, encodeCursor, mergePage, timeBound } from './event-page.js';

type Kind = (typeof AUDIT_EVENT_KINDS)[number];

/**
 * `GET /v1/audit/events`: the audit record across credentials and the api's requests, newest first,
 * filtered and paged, as `keyway audit log` shows it. A team sees its own namespaces' credential events
 * and its own tokens' requests; admin and tokens with the `audit` scope see everything.
 */
@Controller()
export class AuditEventsController {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandSender,
    @Inject(REQUEST_LOG) private readonly requests: RequestLog,
  ) {}

  @Get('v1/audit/events')
  async events(
    @Caller() caller: Principal,
    @Query() q: Record<string, string | undefined>,
  ): Promise<{ items: AuditEvent[]; metadata: { continue?: string } }> {
    requireRecordReader(caller);
    const now = new Date();
    const bound = (key: 'since' | 'until') => {
      const v = q[key];
      if (v === undefined) return undefined;
      const iso = timeBound(v, now);
      if (!iso)
        throw ApiError.invalid(
          `${key}: ${JSON.stringify(clientText(v))} is not a duration (24h, 7d) or an ISO time`,
        );
      return iso;
    };
    const checked = (key: 'namespace' | 'name', schema: typeof k8sNamespace | typeof k8sName) =>
      q[key] === undefined ? undefined : checkedParam(q[key], schema, key);
    const kinds = q.kind?.split(',').map((k) => k.trim());
    const unknown = kinds?.find((k) => !(AUDIT_EVENT_KINDS as readonly string[]).includes(k));
    if (unknown)
      throw ApiError.invalid(
        `kind: ${JSON.stringify(clientText(unknown))}: one of ${AUDIT_EVENT_KINDS.join(', ')}`,
      );
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) throw ApiError.invalid('limit: 1 to 1000');
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !before) throw ApiError.invalid('cursor: not a cursor this api gave');
    if (q.actor !== undefined && q.actor.length > 256)
      throw ApiError.invalid('actor: at most 256 characters');
    if (q.team !== undefined && !validatePayload(k8sName, q.team).ok)
      throw ApiError.invalid('team: not a team name');

    const namespace = checked('namespace', k8sNamespace);
    if (namespace) requireRecordReader(caller, namespace);
    const name = checked('name', k8sName);
    // Admin and the audit scope read every team's record; a team its own.
    const everything = auditsEverything(caller);
    const allowed = everything ? undefined : readableNamespaces(caller);
    const wants = (k: Kind) => !kinds || kinds.includes(k);
    const common = { since: bound('since'), until: bound('until'), before, limit };
    // Actors as each record spells them: `user:<name> (team t)` in the credential log, `token:<name>` in
    // the request log; a bare name matches both.
    const actor = q.actor;
    const caKinds = (kinds ?? AUDIT_EVENT_KINDS).filter((k) => k.startsWith('ca-'));
    const [credentials, requests, caRecords] = await Promise.all([
      wants('credential-version') || wants('rejected-version')
        ? forward<{ items: AuditEvent[] }>(this.commands, Subjects.audit.events, {
            schemaVersion: 1,
            ...common,
            ...(actor ? { actor: actor.includes(':') ? actor : `user:${actor}` } : {}),
            ...(q.team ? { team: q.team } : {}),
            ...(namespace ? { namespace } : {}),
            ...(name ? { name } : {}),
            ...(allowed ? { namespaces: allowed } : {}),
            kinds: (kinds ?? AUDIT_EVENT_KINDS).filter((k) => k !== 'api-request' && !k.startsWith('ca-')),
          }).then((r) => r.items)
        : Promise.resolve([]),
      wants('api-request') && !name
        ? this.requests.events({
            ...common,
            ...(actor ? { actor: actor.includes(':') || actor === 'admin' ? actor : `token:${actor}` } : {}),
            // A team reads its own requests only.
            team: everything || caller.kind === 'admin' ? q.team : caller.team,
            ...(namespace ? { namespace } : {}),
          })
        : Promise.resolve([]),
      // The CA's record: issuers and teams, not namespaces; a team reads what its actors did.
      caKinds.length > 0 && !namespace && !name
        ? forward<{ items: AuditEvent[] }>(this.commands, Subjects.ca.recordEvents, {
            schemaVersion: 1,
            ...common,
            ...(actor ? { actor } : {}),
            ...(everything || caller.kind === 'admin'
              ? q.team
                ? { team: q.team }
                : {}
              : { team: caller.team }),
            kinds: caKinds,
          }).then((r) => r.items)
        : Promise.resolve([]),
    ]);
    const page = mergePage([credentials, requests, caRecords], limit);
    return { items: page.items, metadata: page.next ? { continue: encodeCursor(page.next) } : {} };
  }
}
