import { Inject, Injectable } from '@nestjs/common';
import { SECRET_APPLY_AAD, Subjects, type Actor } from '#keyway/contracts';
import type { Keyring } from '#keyway/key-material';
import { forward, type CommandSender } from '../forwarder.js';
import { ApiError } from '../http-errors.js';
import { COMMANDS, KEYRING } from '../tokens.js';
import {
  certificateObject,
  checkManifest,
  itemsOf,
  RESOURCE_KINDS,
  routingObject,
  secretObject,
  type Plural,
} from './kinds.js';

type Obj = Record<string, unknown>;

export interface ApplyOutcome {
  kind: string;
  namespace: string;
  name: string;
  outcome: string;
  warnings?: string[];
  status?: unknown;
}

const V = { schemaVersion: 1 as const };
/** Services page their lists; the api asks for big pages and pages for the caller itself. */
const BIG_PAGE = { limit: 1000 };
/** Most items one list reads from an owner (50 of its largest pages). */
export const MAX_LISTED = 50_000;

/** Forwards resource verbs to the owning service, in each service's payload shape. */
@Injectable()
export class ResourceService {
  constructor(
    @Inject(COMMANDS) private readonly commands: CommandSender,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  async apply(plural: Plural, namespace: string, manifest: Obj, actor: Actor): Promise<ApplyOutcome> {
    const { kind, owner } = RESOURCE_KINDS[plural];
    const name = String((manifest.metadata as Obj | undefined)?.name ?? '');
    const resource = `${kind}/${namespace}/${name || '?'}`;
    const checked = checkManifest(plural, namespace, manifest, resource);
    if (!checked.ok) throw ApiError.invalid(`${resource}: invalid`, checked.errors);
    if (owner === 'secrets') {
      const sealedManifest = this.keyring.seal(JSON.stringify(checked.value), SECRET_APPLY_AAD);
      const r = await forward<Obj>(this.commands, Subjects.secrets.apply, { ...V, sealedManifest, actor });
      return {
        kind,
        namespace,
        name,
        outcome: String(r.outcome ?? 'configured'),
        warnings: (r.warnings as string[]) ?? [],
      };
    }
    if (owner === 'routing') {
      const r = await forward<Obj>(this.commands, Subjects.routing.apply, {
        ...V,
        manifest: checked.value,
        actor,
      });
      return {
        kind,
        namespace,
        name,
        outcome: String(r?.outcome ?? 'configured'),
        ...(r?.status ? { status: r.status } : {}),
      };
    }
    const r = await forward<Obj>(this.commands, Subjects.ca.certificates.apply, {
      ...V,
      certificate: checked.value,
      actor,
    });
    return { kind, namespace, name, outcome: String(r?.outcome ?? 'configured') };
  }

  async get(plural: Plural, namespace: string, name: string): Promise<Obj> {
    const { kind, owner } = RESOURCE_KINDS[plural];
    if (owner === 'secrets')
      return secretObject(await forward<Obj>(this.commands, Subjects.secrets.get, { ...V, namespace, name }));
    if (owner === 'routing')
      return routingObject(
        await forward<Obj>(this.commands, Subjects.routing.get, { ...V, kind, namespace, name }),
      );
    return certificateObject(
      await forward<Obj>(this.commands, Subjects.ca.certificates.get, { ...V, namespace, name }),
    );
  }

  /** Every object of a kind in `namespace` (or in all namespaces when undefined). */
  async list(plural: Plural, namespace?: string): Promise<Obj[]> {
    const { kind, owner } = RESOURCE_KINDS[plural];
    const ns = namespace === undefined ? {} : { namespace };
    if (owner === 'secrets')
      return (await this.#allPages(Subjects.secrets.list, { ...V, ...ns })).map(secretObject);
    if (owner === 'routing')
      return (await this.#allPages(Subjects.routing.list, { ...V, kind, ...ns })).map(routingObject);
    return itemsOf(await forward(this.commands, Subjects.ca.certificates.list, { ...V, ...ns })).map(
      certificateObject,
    );
  }

  /**
   * Every item of an owner's paged list, following its `next` cursor (one page used to be read, so
   * lists stopped at 1000), up to MAX_LISTED items.
   */
  async #allPages(subject: string, request: Obj): Promise<Obj[]> {
    const items: Obj[] = [];
    let cursor: string | undefined;
    do {
      const reply = await forward<{ items?: Obj[]; next?: string }>(this.commands, subject, {
        ...request,
        page: { ...BIG_PAGE, ...(cursor ? { cursor } : {}) },
      });
      items.push(...itemsOf(reply));
      cursor = typeof reply?.next === 'string' ? reply.next : undefined;
    } while (cursor && items.length < MAX_LISTED);
    return items.slice(0, MAX_LISTED);
  }

  async delete(
    plural: Plural,
    namespace: string,
    name: string,
    actor: Actor,
    ignoreNotFound: boolean,
  ): Promise<{ deleted: boolean }> {
    const { kind, owner } = RESOURCE_KINDS[plural];
    const payload =
      owner === 'secrets'
        ? { subject: Subjects.secrets.delete, body: { ...V, namespace, name, actor, ignoreNotFound } }
        : owner === 'routing'
          ? { subject: Subjects.routing.delete, body: { ...V, kind, namespace, name, actor, ignoreNotFound } }
          : { subject: Subjects.ca.certificates.delete, body: { ...V, namespace, name, actor } };
    try {
      const r = await forward<Obj | undefined>(this.commands, payload.subject, payload.body);
      return { deleted: r?.deleted === false ? false : true };
    } catch (e) {
      if (ignoreNotFound && e instanceof ApiError && e.getStatus() === 404) return { deleted: false };
      throw e;
    }
  }
}
