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
import { k8sNamespace } from '#keyway/contracts';
import { clientText } from '#keyway/observability';
import { Caller, requireAllowed } from '../auth/caller.js';
import { actorOf, readableNamespaces, type Principal } from '../auth/principal.js';
import type { ApiConfig } from '../config.js';
import { ApiError } from '../http-errors.js';
import { checkedParam } from '../path-params.js';
import { describeObject, parseManifests } from '../manifests.js';
import { CursorError, paginate, parseLimit } from '../pagination.js';
import { CONFIG } from '../tokens.js';
import { CreatorGuard } from './creator-guard.js';
import { isPlural, pluralOfKind, PLURALS, RESOURCE_KINDS, type Plural } from './kinds.js';
import { AnalysisService, type AnalysisDocument } from './analysis-service.js';
import { ResourceService, type ApplyOutcome } from './resource-service.js';
import { applySteps, eachBounded } from './apply-steps.js';
import { formatFinding } from '#keyway/analysis';

type Obj = Record<string, unknown>;

/** Most documents of one apply in flight at once (a run of Secrets, see apply-steps.ts). */
const APPLY_CONCURRENCY = 64;

function plural(p: string): Plural {
  if (!isPlural(p)) throw ApiError.notFound(`no resource type ${p}: one of ${PLURALS.join(', ')}`);
  return p;
}

const namespace = (ns: string): string => checkedParam(ns, k8sNamespace, 'namespace');

function namespaceOf(object: Obj, fallback: string): string {
  const meta = (object.metadata ?? {}) as Obj;
  return typeof meta.namespace === 'string' ? meta.namespace : fallback;
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
    private readonly analysis: AnalysisService,
    private readonly creators: CreatorGuard,
    @Inject(CONFIG) config: Pick<ApiConfig, 'API_MAX_APPLY_DOCUMENTS'>,
  ) {
    this.limits = { maxApplyDocuments: config.API_MAX_APPLY_DOCUMENTS };
  }

  /**
   * `keyway apply -f`: every document, each dispatched by kind; answers per document. With
   * `?dryRun=All` (what kubectl sends for `--dry-run=server`) nothing is applied: each document is
   * checked as the apply would check it, and the answer says what the apply would have done.
   */
  @Post('v1/apply')
  @HttpCode(200)
  async applyAll(
    @Caller() caller: Principal,
    @Body() body: unknown,
    @Query('namespace') defaultNs: string | undefined,
    @Query('dryRun') dryRun: string | undefined,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<Obj> {
    // The verb first: a token that may not write anywhere never has its body parsed.
    requireAllowed(caller, 'write');
    if (dryRun !== undefined && dryRun !== 'All')
      throw ApiError.invalid(`dryRun: ${JSON.stringify(clientText(dryRun))} is not supported: use All`);
    const objects = this.#parse(body);
    const fallback = defaultNs ? namespace(defaultNs) : 'default';
    // One slot per document, so answers keep the documents' order however the steps run.
    const slots: Array<ApplyOutcome | Obj | undefined> = new Array(objects.length);
    const failures: Array<ApiError | undefined> = new Array(objects.length);
    const failed = (i: number, ns: string, e: ApiError) => {
      const meta = (objects[i].metadata ?? {}) as Obj;
      failures[i] = e;
      slots[i] = {
        kind: String(objects[i].kind ?? ''),
        namespace: ns,
        name: String(meta.name ?? ''),
        error: e.body,
      };
    };
    const allowed: AnalysisDocument[] = [];
    const applyOne = async (i: number): Promise<void> => {
      const object = objects[i];
      const ns = namespaceOf(object, fallback);
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
        const name = String(((object.metadata ?? {}) as Obj).name ?? '');
        await this.creators.check(caller, RESOURCE_KINDS[p].kind, ns, name);
        if (p === 'referencegrants') await this.creators.checkGrant(caller, ns, object);
        if (dryRun) allowed.push({ namespace: ns, object });
        else {
          const applied = await this.resources.apply(p, ns, object, actorOf(caller));
          await this.creators.applied(caller, applied.kind, ns, name, applied.outcome);
          slots[i] = applied;
        }
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        failed(i, ns, e);
      }
    };
    if (dryRun) {
      // Nothing is applied: the documents are only checked, in order.
      for (let i = 0; i < objects.length; i++) await applyOne(i);
    } else {
      const steps = applySteps(
        objects.map((o) => ({
          plural: pluralOfKind(String(o.kind ?? '')),
          object: `${namespaceOf(o, fallback)}/${String(((o.metadata ?? {}) as Obj).name ?? '')}`,
        })),
      );
      for (const step of steps) await eachBounded(step, APPLY_CONCURRENCY, applyOne);
    }
    const items: Array<ApplyOutcome | Obj> = slots.filter((x) => x !== undefined);
    let firstFailure = failures.find((e) => e !== undefined);
    const failedLate = (object: Obj, ns: string, e: ApiError) => {
      firstFailure ??= e;
      const meta = (object.metadata ?? {}) as Obj;
      items.push({
        kind: String(object.kind ?? ''),
        namespace: ns,
        name: String(meta.name ?? ''),
        error: e.body,
      });
    };
    let findings: Obj[] | undefined;
    if (dryRun) {
      const analysis = await this.analysis.analyze(allowed);
      findings = analysis.findings;
      analysis.documents.forEach((doc, i) => {
        const own = analysis.findings.filter((f) => f.resource === doc.resource).map(formatFinding);
        if (doc.rejected) {
          failedLate(
            allowed[i].object,
            doc.namespace,
            ApiError.invalid(`${doc.resource}: invalid: ${own.join('; ')}`),
          );
          return;
        }
        items.push({
          kind: doc.kind,
          namespace: doc.namespace,
          name: doc.name,
          outcome: doc.exists ? 'configured' : 'created',
          dryRun: true,
          warnings: own,
        });
      });
    }
    if (firstFailure) res.status(firstFailure.getStatus());
    return {
      items,
      ...(findings ? { findings } : {}),
      ...(firstFailure ? { code: firstFailure.body.code, message: firstFailure.body.message } : {}),
    };
  }

  /**
   * `keyway analyze -f`: the findings of applying these documents now, applying nothing. Reading is
   * enough (nothing changes), for every namespace the documents name.
   */
  @Post('v1/analyze')
  @HttpCode(200)
  async analyze(
    @Caller() caller: Principal,
    @Body() body: unknown,
    @Query('namespace') defaultNs: string | undefined,
  ): Promise<Obj> {
    requireAllowed(caller, 'read');
    const objects = this.#parse(body);
    const fallback = defaultNs ? namespace(defaultNs) : 'default';
    const documents = objects.map((object) => {
      const ns = namespaceOf(object, fallback);
      requireAllowed(caller, 'read', namespace(ns));
      return { namespace: ns, object };
    });
    const analysis = await this.analysis.analyze(documents);
    return {
      findings: analysis.findings,
      objects: analysis.documents.map((d) => ({ resource: d.resource, exists: d.exists })),
    };
  }

  #parse(body: unknown): Obj[] {
    const parsed = parseManifests(body, this.limits.maxApplyDocuments);
    if (!parsed.ok && parsed.tooMany) throw ApiError.tooLarge(parsed.errors[0].message, parsed.errors);
    if (!parsed.ok) throw ApiError.invalid('the manifests do not parse', parsed.errors);
    return parsed.objects;
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
    await this.creators.check(caller, RESOURCE_KINDS[kind].kind, ns, name);
    if (kind === 'referencegrants') await this.creators.checkGrant(caller, ns, manifest);
    const applied = await this.resources.apply(kind, ns, manifest, actorOf(caller));
    await this.creators.applied(caller, applied.kind, ns, name, applied.outcome);
    return applied;
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
    await this.creators.check(caller, RESOURCE_KINDS[kind].kind, ns, name);
    const r = await this.resources.delete(
      kind,
      ns,
      name,
      actorOf(caller),
      ignore === 'true' || ignore === '1',
    );
    if (r.deleted) await this.creators.deleted(RESOURCE_KINDS[kind].kind, ns, name);
    return { namespace: ns, name, ...r };
  }
}
