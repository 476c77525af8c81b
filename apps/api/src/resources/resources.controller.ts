import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { k8sNamespace, validatePayload } from '#keyway/contracts';
import { Caller, requireAllowed } from '../auth/caller.js';
import { actorOf, readableNamespaces, type Principal } from '../auth/principal.js';
import type { ApiConfig } from '../config.js';
import { ApiError } from '../http-errors.js';
import { describeObject, parseManifests } from '../manifests.js';
import { CursorError, paginate, parseLimit } from '../pagination.js';
import { CONFIG } from '../tokens.js';
import { isPlural, pluralOfKind, PLURALS, type Plural } from './kinds.js';
import { ResourceService, type ApplyOutcome } from './resource-service.js';

type Obj = Record<string, unknown>;

function plural(p: string): Plural {
  if (!isPlural(p)) throw ApiError.notFound(`no resource type ${p}: one of ${PLURALS.join(', ')}`);
  return p;
}

function namespace(ns: string): string {
  const v = validatePayload(k8sNamespace, ns);
  if (!v.ok) throw ApiError.invalid(`namespace ${JSON.stringify(ns)}: ${v.errors[0].message}`);
  return ns;
}

const keyOf = (o: Obj) => {
  const m = (o.metadata ?? {}) as Obj;
  return `${String(m.namespace ?? '')}/${String(m.name ?? '')}`;
};

export function listObject(items: Obj[], query: { limit?: string; cursor?: string }): Obj {
  try {
    const page = paginate(items, keyOf, parseLimit(query.limit), query.cursor);
    return {
      apiVersion: 'v1',
      kind: 'List',
      items: page.items,
      metadata: page.next ? { continue: page.next } : {},
    };
  } catch (e) {
    if (e instanceof CursorError) throw ApiError.invalid(e.message);
    throw e;
  }
}

/** Namespaced resources (Secrets, Gateways, VirtualServices, ServiceEntries, Certificates). */
@Controller()
export class ResourcesController {
  private readonly limits: { maxApplyDocuments: number };

  constructor(
    private readonly resources: ResourceService,
    @Inject(CONFIG) config: Pick<ApiConfig, 'API_MAX_APPLY_DOCUMENTS'>,
  ) {
    this.limits = { maxApplyDocuments: config.API_MAX_APPLY_DOCUMENTS };
  }

  /** `keyway apply -f`: every document, each dispatched by kind; answers per document. */
  @Post('v1/apply')
  @HttpCode(200)
  async applyAll(
    @Caller() caller: Principal,
    @Body() body: unknown,
    @Query('namespace') defaultNs: string | undefined,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<Obj> {
    // The verb first: a token that may not write anywhere never has its body parsed.
    requireAllowed(caller, 'write');
    const parsed = parseManifests(body, this.limits.maxApplyDocuments);
    if (!parsed.ok && parsed.tooMany) throw ApiError.tooLarge(parsed.errors[0].message, parsed.errors);
    if (!parsed.ok) throw ApiError.invalid('the manifests do not parse', parsed.errors);
    const fallback = defaultNs ? namespace(defaultNs) : 'default';
    const items: Array<ApplyOutcome | Obj> = [];
    let firstFailure: ApiError | undefined;
    for (const object of parsed.objects) {
      const meta = (object.metadata ?? {}) as Obj;
      const ns = typeof meta.namespace === 'string' ? meta.namespace : fallback;
      const kind = String(object.kind ?? '');
      try {
        const p = pluralOfKind(kind);
        if (!p)
          throw ApiError.invalid(
            `${describeObject(object, ns)}: kind ${JSON.stringify(kind)} is not managed by keyway`,
          );
        requireAllowed(caller, 'write', namespace(ns));
        // A Certificate is an issuance request: it needs the issue verb, as /v1/ca/issue does.
        if (p === 'certificates') requireAllowed(caller, 'issue', namespace(ns));
        items.push(await this.resources.apply(p, ns, object, actorOf(caller)));
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        firstFailure ??= e;
        items.push({ kind, namespace: ns, name: String(meta.name ?? ''), error: e.body });
      }
    }
    if (firstFailure) res.status(firstFailure.getStatus());
    return {
      items,
      ...(firstFailure ? { code: firstFailure.body.code, message: firstFailure.body.message } : {}),
    };
  }

  @Get('v1/resources/:plural')
  async listAll(@Caller() caller: Principal, @Param('plural') p: string, @Query() query: Obj): Promise<Obj> {
    requireAllowed(caller, 'read');
    const allowed = readableNamespaces(caller);
    const items = await this.resources.list(plural(p));
    const visible =
      allowed === undefined
        ? items
        : items.filter((o) => allowed.includes(String((o.metadata as Obj)?.namespace)));
    return listObject(visible, query);
  }

  @Get('v1/namespaces/:namespace/:plural')
  async list(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Param('plural') p: string,
    @Query() query: Obj,
  ): Promise<Obj> {
    requireAllowed(caller, 'read', namespace(ns));
    return listObject(await this.resources.list(plural(p), ns), query);
  }

  @Get('v1/namespaces/:namespace/:plural/:name')
  async get(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Param('plural') p: string,
    @Param('name') name: string,
  ): Promise<Obj> {
    requireAllowed(caller, 'read', namespace(ns));
    return this.resources.get(plural(p), ns, name);
  }

  @Put('v1/namespaces/:namespace/:plural/:name')
  async put(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Param('plural') p: string,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<ApplyOutcome> {
    const kind = plural(p);
    requireAllowed(caller, 'write', namespace(ns));
    if (kind === 'certificates') requireAllowed(caller, 'issue', namespace(ns));
    const parsed = parseManifests(body, 1);
    if (!parsed.ok && parsed.tooMany)
      throw ApiError.invalid('PUT takes exactly one manifest; use POST /v1/apply for several');
    if (!parsed.ok) throw ApiError.invalid('the manifest does not parse', parsed.errors);
    if (parsed.objects.length !== 1)
      throw ApiError.invalid('PUT takes exactly one manifest; use POST /v1/apply for several');
    const manifest = parsed.objects[0];
    const metaName = (manifest.metadata as Obj | undefined)?.name;
    if (metaName !== name)
      throw ApiError.invalid(`metadata.name ${JSON.stringify(metaName)} does not match ${name} in the path`);
    if (pluralOfKind(String(manifest.kind)) !== kind)
      throw ApiError.invalid(`kind ${JSON.stringify(manifest.kind)} does not belong under ${kind}`);
    return this.resources.apply(kind, ns, manifest, actorOf(caller));
  }

  @Delete('v1/namespaces/:namespace/:plural/:name')
  async delete(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Param('plural') p: string,
    @Param('name') name: string,
    @Query('ignoreNotFound') ignore: string | undefined,
  ): Promise<Obj> {
    const kind = plural(p);
    requireAllowed(caller, 'write', namespace(ns));
    if (kind === 'certificates') requireAllowed(caller, 'issue', namespace(ns));
    const r = await this.resources.delete(
      kind,
      ns,
      name,
      actorOf(caller),
      ignore === 'true' || ignore === '1',
    );
    return { namespace: ns, name, ...r };
  }
}
