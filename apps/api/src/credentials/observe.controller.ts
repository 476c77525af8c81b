import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { k8sName, k8sNamespace, PROXY_CONFIG_TYPES, ROUTING_KINDS, Subjects } from '#keyway/contracts';
import { clientText } from '#keyway/observability';
import { Caller, requireAllowed, requireRecordReader } from '../auth/caller.js';
import { auditsEverything, readableNamespaces, type Principal } from '../auth/principal.js';
import { forward, type CommandSender } from '../forwarder.js';
import { ApiError } from '../http-errors.js';
import { checkedParam } from '../path-params.js';
import { itemsOf } from '../resources/kinds.js';
import { listObject } from '../resources/resources.controller.js';
import { COMMANDS } from '../tokens.js';

type Obj = Record<string, unknown>;
const V = { schemaVersion: 1 as const };

/** Credential history and versions, audit verification, proxy status and compile status. */
@Controller()
export class ObserveController {
  constructor(@Inject(COMMANDS) private readonly commands: CommandSender) {}

  @Get('v1/namespaces/:namespace/credentials')
  async credentials(@Caller() caller: Principal, @Param('namespace') ns: string): Promise<Obj> {
    requireAllowed(caller, 'read', checkedParam(ns, k8sNamespace, 'namespace'));
    const r = await forward(this.commands, Subjects.credentials.list, { ...V, namespace: ns });
    return { items: itemsOf(r) };
  }

  @Get('v1/namespaces/:namespace/credentials/:name/history')
  async history(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Query() query: Obj,
  ): Promise<Obj> {
    requireRecordReader(caller, checkedParam(ns, k8sNamespace, 'namespace'));
    checkedParam(name, k8sName, 'name');
    const r = await forward(this.commands, Subjects.credentials.history, {
      ...V,
      namespace: ns,
      name,
      page: { limit: 1000 },
    });
    const rows = itemsOf(r).map((row) => ({
      ...row,
      metadata: { namespace: ns, name: String(row.revision).padStart(12, '0') },
    }));
    const page = listObject(rows, query);
    return { ...page, items: (page.items as Obj[]).map(({ metadata: _m, ...row }) => row) };
  }

  @Get('v1/namespaces/:namespace/credentials/:name/history/:revision')
  async version(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Param('revision') revision: string,
  ): Promise<unknown> {
    requireRecordReader(caller, checkedParam(ns, k8sNamespace, 'namespace'));
    const n = Number(revision);
    if (!Number.isInteger(n) || n < 1)
      throw ApiError.invalid(`revision ${JSON.stringify(revision)}: must be a whole number from 1`);
    return forward(this.commands, Subjects.credentials.version, {
      ...V,
      namespace: ns,
      name: checkedParam(name, k8sName, 'name'),
      revision: n,
    });
  }

  /** A team may verify its own namespaces' chains; the whole log needs the admin token or the audit scope. */
  @Post('v1/audit/verify')
  @HttpCode(200)
  async verify(@Caller() caller: Principal, @Body() body: Obj | undefined): Promise<unknown> {
    const ns =
      typeof body?.namespace === 'string'
        ? checkedParam(body.namespace, k8sNamespace, 'namespace')
        : undefined;
    const name = typeof body?.name === 'string' ? checkedParam(body.name, k8sName, 'name') : undefined;
    if (ns === undefined && !auditsEverything(caller))
      throw ApiError.forbidden(
        'verifying every namespace needs the admin token or the audit scope; give a namespace',
      );
    requireRecordReader(caller, ns);
    const credentials = await forward<Obj>(this.commands, Subjects.audit.verify, {
      ...V,
      ...(ns ? { namespace: ns } : {}),
      ...(name ? { name } : {}),
    });
    if (ns !== undefined) return credentials;
    // The whole log includes the CA's record: decisions, issuances, revocations and CRLs of every team.
    const ca = await forward<Obj>(this.commands, Subjects.ca.verifyRecords, V);
    return { ...credentials, ok: credentials.ok === true && ca.ok === true, ca };
  }

  @Get('v1/proxies')
  async proxies(@Caller() caller: Principal, @Query('namespace') ns: string | undefined): Promise<Obj> {
    if (ns !== undefined) checkedParam(ns, k8sNamespace, 'namespace');
    requireAllowed(caller, 'read', ns);
    const allowed = readableNamespaces(caller);
    const items = itemsOf(await forward(this.commands, Subjects.proxies.status, ns ? { namespace: ns } : {}));
    return {
      items: allowed === undefined ? items : items.filter((p) => allowed.includes(String(p.namespace))),
    };
  }

  /** `keyway proxy-config listener|route|cluster|endpoint PROXY`: what the proxy is served, decoded. */
  @Get('v1/namespaces/:namespace/proxies/:nodeId/config/:type')
  async proxyConfig(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Param('nodeId') nodeId: string,
    @Param('type') type: string,
    @Query('limit') limit: string | undefined,
  ): Promise<Obj> {
    requireAllowed(caller, 'read', checkedParam(ns, k8sNamespace, 'namespace'));
    if (!(PROXY_CONFIG_TYPES as readonly string[]).includes(type))
      throw ApiError.invalid(
        `type ${JSON.stringify(clientText(type))}: one of ${PROXY_CONFIG_TYPES.join(', ')}`,
      );
    const n = limit === undefined ? undefined : Number(limit);
    if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 2000))
      throw ApiError.invalid('limit: a whole number from 1 to 2000');
    return forward(this.commands, Subjects.proxies.config, {
      namespace: ns,
      nodeId,
      type,
      ...(n ? { limit: n } : {}),
    });
  }

  @Get('v1/status')
  async status(
    @Caller() caller: Principal,
    @Query('namespace') ns: string | undefined,
    @Query('kind') kind: string | undefined,
    @Query('name') name: string | undefined,
  ): Promise<Obj> {
    if (ns !== undefined) checkedParam(ns, k8sNamespace, 'namespace');
    if (kind !== undefined && !(ROUTING_KINDS as readonly string[]).includes(kind))
      throw ApiError.invalid(`kind ${JSON.stringify(kind)}: one of ${ROUTING_KINDS.join(', ')}`);
    requireAllowed(caller, 'read', ns);
    const allowed = readableNamespaces(caller);
    const payload = {
      ...V,
      ...(ns ? { namespace: ns } : {}),
      ...(kind ? { kind } : {}),
      ...(name ? { name } : {}),
    };
    // The route-compiler answers `{ statuses }` (not a list page): reading it as `items` left
    // `keyway status` empty.
    const reply = (await forward(this.commands, Subjects.routing.status, payload)) as Obj | undefined;
    const items: Obj[] = Array.isArray(reply?.statuses) ? (reply.statuses as Obj[]) : itemsOf(reply);
    const nsOf = (s: Obj) => String(s.resource ?? '').split('/')[1];
    return { items: allowed === undefined ? items : items.filter((s) => allowed.includes(nsOf(s))) };
  }
}
