import {
  Buckets,
  errorReply,
  okReply,
  proxyGroupRecord,
  proxyRecord,
  snapshotKeyPrefix,
  teamRecord,
  xdsResourceRecord,
  type Actor,
  type AnalyzeRoutingResult,
  type CommandReply,
} from '#keyway/contracts';
import type { IrStatus } from '#keyway/ir';
import { resourceId, type RoutingResource } from '#keyway/istio';
import {
  openKeywayBucket,
  provisionKeywayBucket,
  TypedBucket,
  watchBucket,
  watchBucketKeys,
  type KvWatch,
} from '#keyway/messaging';
import type { Logger } from '#keyway/observability';
import { groupRecord } from '#keyway/xds';
import type { NatsConnection } from '@nats-io/transport-node';
import { CompileScheduler } from './compile-scheduler.js';
import { CredentialCatalog } from './credential-catalog.js';
import { TeamDirectory } from './team-directory.js';
import { KubernetesSource } from './kubernetes-source.js';
import type { KubernetesClient } from '#keyway/kubernetes';
import { readManifestDirectory, watchDirectory } from './directory-source.js';
import {
  GroupCompilers,
  mergeStatuses,
  withOwnershipConditions,
  type CompileRound,
  type GroupOutput,
} from './group-compilers.js';
import { ProxyGroups } from './proxy-groups.js';
import { ResourceStore } from './resource-store.js';
import { tenantInputs } from './tenant-inputs.js';
import { analyzeRouting } from './routing-analysis.js';
import type { RoutingRepository, SaveOutcome } from './routing-repository.js';

export interface RoutingServiceOptions {
  nc: NatsConnection;
  repository: RoutingRepository;
  logger: Logger;
  routesDir?: string;
  debounceMs: number;
  maxWaitMs: number;
  /** JetStream replicas of the buckets this service provisions (NATS_KV_REPLICAS). */
  kvReplicas?: number;
  /** Consider only proxies of this namespace (tests sharing one NATS). */
  proxyNamespace?: string;
  /** The Kubernetes API the routing kinds are listed and watched from (KUBERNETES_*). */
  kubernetes?: KubernetesClient;
  /** Subscribes to API changes made by any replica; returns an unsubscribe. */
  listenForChanges?: (onChange: (id: string) => void) => Promise<() => Promise<void>>;
}

export interface ResourceSummary {
  kind: string;
  namespace: string;
  name: string;
  source: string;
}

/** How soon a publication that did not reach the buckets is tried again (NATS unreachable). */
const PUBLISH_RETRY_MS = 1000;

const summary = (r: RoutingResource, source: string): ResourceSummary => ({
  kind: r.kind,
  namespace: r.meta.namespace,
  name: r.meta.name,
  source,
});

/**
 * The route-compiler's runtime: resources from the API (Postgres) and a directory, proxy groups from
 * the proxies bucket, a debounced compile per group, and publication of what changed.
 */
export class RoutingService {
  readonly store = new ResourceStore();
  private readonly groups = new ProxyGroups();
  private readonly compilers = new GroupCompilers();
  private readonly scheduler: CompileScheduler;
  private snapshots?: TypedBucket<typeof xdsResourceRecord>;
  private groupRecords?: TypedBucket<typeof proxyGroupRecord>;
  private proxiesWatch?: KvWatch;
  private credentialsWatch?: KvWatch;
  private readonly credentials = new CredentialCatalog();
  private readonly teams = new TeamDirectory();
  private teamsWatch?: KvWatch;
  private directoryWatch?: { close(): void };
  private kubernetes?: KubernetesSource;
  private unlisten?: () => Promise<void>;
  private statuses: IrStatus[] = [];
  /** Removals of gone groups that failed, tried again with the next publish. */
  private readonly unremoved: CompileRound['removed'] = [];
  private retry?: NodeJS.Timeout;
  /** Increments after every published compile: tests wait on it rather than on time. */
  compiles = 0;

  constructor(private readonly options: RoutingServiceOptions) {
    this.scheduler = new CompileScheduler(
      () => this.publish(),
      { debounceMs: options.debounceMs, maxWaitMs: options.maxWaitMs },
      undefined,
      (e) => options.logger.error({ err: e }, 'route compile failed'),
    );
  }

  async start(): Promise<void> {
    const { nc, logger } = this.options;
    this.snapshots = new TypedBucket(
      await provisionKeywayBucket(nc, Buckets.xdsSnapshots, this.options.kvReplicas),
      xdsResourceRecord,
    );
    this.groupRecords = new TypedBucket(
      await provisionKeywayBucket(nc, Buckets.proxyGroups, this.options.kvReplicas),
      proxyGroupRecord,
    );
    if (this.options.listenForChanges) {
      this.unlisten = await this.options.listenForChanges((id) => void this.reload(id));
    }
    for (const row of await this.options.repository.all()) {
      const r = this.store.apply('api', row.manifest);
      if (!r.ok) logger.warn({ id: row.id, errors: r.errors }, 'stored routing resource no longer valid');
    }
    if (this.options.routesDir) {
      this.syncDirectory();
      this.directoryWatch = watchDirectory(this.options.routesDir, () => {
        this.syncDirectory();
        this.scheduler.schedule();
      });
    }
    if (this.options.kubernetes) {
      this.kubernetes = new KubernetesSource({
        client: this.options.kubernetes,
        onPut: (manifest) => {
          const r = this.store.apply('kubernetes', manifest);
          if (!r.ok) logger.warn({ errors: r.errors }, 'kubernetes: manifest rejected');
          this.scheduler.schedule();
        },
        onDelete: (kind, namespace, name) => {
          if (this.store.delete(resourceId(kind, { namespace, name }), 'kubernetes'))
            this.scheduler.schedule();
        },
        onListed: (kind, present) => {
          for (const id of this.store.idsFrom('kubernetes')) {
            const [k, namespace, name] = id.split('/');
            if (k === kind && !present.has(`${namespace}/${name}`)) this.store.delete(id, 'kubernetes');
          }
          this.scheduler.schedule();
        },
        onError: (message) => logger.warn(`kubernetes: ${message}`),
      });
      this.kubernetes.start();
    }
    // Which credentials exist (keys only: the values are sealed key material this service never needs).
    const credentials = await openKeywayBucket(nc, Buckets.credentials, this.options.kvReplicas);
    this.credentialsWatch = await watchBucketKeys(
      credentials,
      { onEvent: (e) => void (this.credentials.apply(e) && this.scheduler.schedule()) },
      { logger },
    );
    await this.credentialsWatch.ready;
    // Which team owns which hosts (the api keeps teams and their domains in this bucket).
    this.teamsWatch = await watchBucket(
      await openKeywayBucket(nc, Buckets.teams, this.options.kvReplicas),
      teamRecord,
      { onEvent: (e) => void (this.teams.apply(e) && this.scheduler.schedule()) },
      { logger },
    );
    await this.teamsWatch.ready;
    const proxies = await openKeywayBucket(nc, Buckets.proxies, this.options.kvReplicas);
    this.proxiesWatch = await watchBucket(
      proxies,
      proxyRecord,
      {
        onEvent: (e) => {
          const changed =
            e.kind === 'put'
              ? !this.options.proxyNamespace || e.value.namespace === this.options.proxyNamespace
                ? this.groups.put(e.key, e.value)
                : false
              : this.groups.delete(e.key);
          if (changed) this.scheduler.schedule();
        },
      },
      { logger },
    );
    await this.proxiesWatch.ready;
    this.scheduler.schedule();
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    clearTimeout(this.retry);
    this.directoryWatch?.close();
    await this.kubernetes?.stop();
    await this.unlisten?.();
    await this.proxiesWatch?.stop();
    await this.credentialsWatch?.stop();
    await this.teamsWatch?.stop();
    await this.scheduler.idle();
  }

  async apply(
    manifest: unknown,
    actor: Actor,
  ): Promise<CommandReply<ResourceSummary & { outcome: SaveOutcome }>> {
    const parsed = this.store.apply('api', manifest);
    if (!parsed.ok)
      return errorReply(
        'invalid',
        parsed.errors.map((e) => `${e.resource}: ${e.field}: ${e.message}`).join('; '),
        parsed.errors,
      );
    const r = parsed.resource;
    const outcome = await this.options.repository.save(
      r.id,
      r.kind,
      r.meta.namespace,
      r.meta.name,
      manifest,
      actor,
    );
    // Even when unchanged: a replica whose store holds another source's version takes the API's.
    await this.options.repository.notify(r.id);
    this.scheduler.schedule();
    this.options.logger.debug({ resource: r.id, outcome }, 'routing resource applied');
    return okReply({ ...summary(r, 'api'), outcome });
  }

  async delete(
    kind: string,
    namespace: string,
    name: string,
    ignoreNotFound: boolean,
  ): Promise<CommandReply<{ deleted: boolean }>> {
    const id = resourceId(kind, { namespace, name });
    const deleted = await this.options.repository.delete(id);
    this.store.delete(id, 'api');
    if (deleted) await this.options.repository.notify(id);
    if (!deleted && !ignoreNotFound) return errorReply('not_found', `${id}: not found`);
    this.scheduler.schedule();
    return okReply({ deleted });
  }

  get(kind: string, namespace: string, name: string): CommandReply<{ manifest: unknown; source: string }> {
    const stored = this.store.get(resourceId(kind, { namespace, name }));
    if (!stored) return errorReply('not_found', `${kind}/${namespace}/${name}: not found`);
    return okReply({ manifest: stored.manifest, source: stored.source });
  }

  /** Each object with its manifest, as kubectl lists return whole objects. */
  list(
    kind: RoutingResource['kind'],
    namespace?: string,
  ): CommandReply<{ items: Array<ResourceSummary & { manifest: unknown }> }> {
    return okReply({
      items: this.store
        .list(kind, namespace)
        .map((s) => ({ ...summary(s.resource, s.source), manifest: s.manifest })),
    });
  }

  status(filter: {
    kind?: string;
    namespace?: string;
    name?: string;
  }): CommandReply<{ statuses: IrStatus[] }> {
    const statuses = this.statuses.filter((s) => {
      const [kind, namespace, name] = s.resource.split('/');
      return (
        (!filter.kind || kind === filter.kind) &&
        (!filter.namespace || namespace === filter.namespace) &&
        (!filter.name || name === filter.name)
      );
    });
    return okReply({ statuses });
  }

  /** A dry-run apply: findings of compiling the stored resources with `manifests` on top (routing-analysis.ts). */
  analyze(
    manifests: readonly unknown[],
    credentials: ReadonlyArray<{ namespace: string; name: string }>,
  ): CommandReply<AnalyzeRoutingResult> {
    return okReply(
      analyzeRouting({
        store: this.store,
        manifests,
        groups: this.groups.groups(),
        ownership: this.teams.ownership(),
        knownCredentials: (namespace) => this.credentials.names(namespace),
        credentials,
      }),
    );
  }

  /** Another replica (or this one) changed an API resource: take Postgres's version of it. */
  private async reload(id: string): Promise<void> {
    try {
      const row = await this.options.repository.get(id);
      if (row) {
        const r = this.store.apply('api', row.manifest);
        if (!r.ok)
          this.options.logger.warn({ id, errors: r.errors }, 'stored routing resource no longer valid');
      } else this.store.delete(id, 'api');
      this.scheduler.schedule();
    } catch (e) {
      this.options.logger.error({ err: e, id }, 'reloading a routing resource failed');
    }
  }

  /** Compile now, without the debounce (tests and startup). */
  async compileNow(): Promise<void> {
    await this.scheduler.idle();
    await this.publish();
  }

  private syncDirectory(): void {
    const dir = this.options.routesDir!;
    const { manifests, problems } = readManifestDirectory(dir);
    for (const p of problems) this.options.logger.warn({ dir }, `routes directory: ${p}`);
    const seen = new Set<string>();
    for (const { file, manifest } of manifests) {
      const r = this.store.apply('directory', manifest);
      if (r.ok) seen.add(r.resource.id);
      else this.options.logger.warn({ file, errors: r.errors }, 'routes directory: manifest rejected');
    }
    for (const id of this.store.idsFrom('directory')) if (!seen.has(id)) this.store.delete(id, 'directory');
    this.options.logger.debug(
      { dir, resources: seen.size, problems: problems.length },
      'routes directory read',
    );
  }

  /** One group's output into the buckets; a fresh compiler's first output also clears stale keys. */
  private async writeGroup(out: GroupOutput): Promise<void> {
    const snapshots = this.snapshots!;
    if (out.fresh) {
      const keep = new Set(out.changes.puts.map((p) => p.key));
      for (const key of await snapshots.keys(`${snapshotKeyPrefix(out.group.groupId)}>`))
        if (!keep.has(key)) await snapshots.delete(key);
    }
    for (const p of out.changes.puts) await snapshots.put(p.key, p.value);
    for (const key of out.changes.deletes) await snapshots.delete(key);
    const groupRecords = this.groupRecords!;
    if (
      out.changes.puts.length > 0 ||
      out.changes.deletes.length > 0 ||
      !(await groupRecords.get(out.group.groupId))
    ) {
      await groupRecords.put(out.group.groupId, {
        ...groupRecord(out.result),
        compiledAt: new Date().toISOString(),
      });
    }
  }

  private async publish(): Promise<void> {
    const snapshots = this.snapshots!;
    const groupRecords = this.groupRecords!;
    // Hosts a namespace may not claim, and credentials it was not granted, never reach the compiler.
    const groups = this.groups.groups();
    const tenant = tenantInputs(this.store.inputs(), groups, this.teams.ownership());
    const round = this.compilers.compile(
      tenant.inputs,
      groups,
      (namespace) => this.credentials.names(namespace),
      (group) => tenant.gatewaysFor(group),
    );
    let failed = false;
    for (const out of round.outputs) {
      try {
        await this.writeGroup(out);
      } catch (e) {
        // Some of the group's writes may not have reached the bucket: compile it afresh next time,
        // which puts the whole snapshot again and deletes what is stale.
        this.compilers.forget(out.group.groupId);
        failed = true;
        this.options.logger.warn(
          { groupId: out.group.groupId, err: (e as Error).message },
          'snapshot publication failed; retrying',
        );
      }
    }
    for (const gone of [...this.unremoved.splice(0), ...round.removed]) {
      try {
        for (const key of gone.keys) await snapshots.delete(key);
        await groupRecords.delete(gone.groupId);
      } catch (e) {
        this.unremoved.push(gone);
        failed = true;
        this.options.logger.warn(
          { groupId: gone.groupId, err: (e as Error).message },
          'group removal failed; retrying',
        );
      }
    }
    if (failed && !this.retry) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.scheduler.schedule();
      }, PUBLISH_RETRY_MS);
      this.retry.unref();
    }
    const statuses = withOwnershipConditions(
      mergeStatuses(round.outputs.map((o) => o.result.statuses)),
      tenant.conditions,
    );
    for (const s of statuses) {
      const before = this.statuses.find((x) => x.resource === s.resource);
      if (!s.accepted && JSON.stringify(before) !== JSON.stringify(s)) {
        this.options.logger.warn(
          { resource: s.resource, conditions: s.conditions },
          'routing resource not accepted',
        );
      }
    }
    this.statuses = statuses;
    this.compiles++;
    this.options.logger.debug(
      {
        compiles: this.compiles,
        groups: round.outputs.map((o) => ({
          groupId: o.group.groupId,
          puts: o.changes.puts.length,
          deletes: o.changes.deletes.length,
        })),
      },
      'routes compiled',
    );
  }
}
