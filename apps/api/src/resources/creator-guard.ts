import { Inject, Injectable } from '@nestjs/common';
import { mayChange } from '#keyway/tenancy';
import type { Principal } from '../auth/principal.js';
import type { TokenStore } from '../auth/token-store.js';
import { ApiError } from '../http-errors.js';
import { DATA_SOURCE, TOKEN_STORE } from '../tokens.js';
import type { DataSource } from 'typeorm';
import { ObjectCreators } from './object-creators.js';

/**
 * In a namespace several teams share, a team changes or deletes only what it created (libs/tenancy
 * shared-namespaces.ts); the api records each object's creator when an apply creates it.
 */
@Injectable()
export class CreatorGuard {
  readonly #creators: ObjectCreators;

  constructor(
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(DATA_SOURCE) ds: DataSource,
  ) {
    this.#creators = new ObjectCreators(ds);
  }

  /** Throws 403 naming the owner when `caller` may not change the object. */
  async check(caller: Principal, kind: string, namespace: string, name: string): Promise<void> {
    if (caller.kind === 'admin') return;
    const creator = await this.#creators.creatorOf(kind, namespace, name);
    if (creator === undefined || creator === caller.team) return;
    const d = mayChange(
      await this.tokens.teams(),
      caller.team,
      `${kind}/${namespace}/${name}`,
      namespace,
      creator,
    );
    if (!d.ok) throw ApiError.forbidden(d.message);
  }

  /**
   * A ReferenceGrant lends Secrets to other namespaces' Gateways: only admin, or the team that created
   * each Secret it names (which must exist), may grant them. A grant of every Secret is admin's.
   */
  async checkGrant(caller: Principal, namespace: string, manifest: Record<string, unknown>): Promise<void> {
    if (caller.kind === 'admin') return;
    const grant = `ReferenceGrant/${namespace}/${String((manifest.metadata as Record<string, unknown>)?.name ?? '?')}`;
    const to = ((manifest.spec as Record<string, unknown> | undefined)?.to ?? []) as Array<
      Record<string, unknown>
    >;
    for (const t of Array.isArray(to) ? to : []) {
      if (typeof t.name !== 'string')
        throw ApiError.forbidden(
          `${grant}: a grant of every Secret in namespace ${namespace} is the platform's (admin) to make`,
        );
      const creator = await this.#creators.creatorOf('Secret', namespace, t.name);
      if (creator !== caller.team)
        throw ApiError.forbidden(
          `${grant}: Secret ${namespace}/${t.name} ${
            creator === undefined
              ? 'has no recorded creator'
              : creator === null
                ? "is the platform's"
                : `belongs to team ${creator}`
          }: only the team that created it may grant its use`,
        );
    }
  }

  async applied(
    caller: Principal,
    kind: string,
    namespace: string,
    name: string,
    outcome: string,
  ): Promise<void> {
    if (outcome === 'created')
      await this.#creators.created(kind, namespace, name, caller.kind === 'admin' ? null : caller.team);
  }

  async deleted(kind: string, namespace: string, name: string): Promise<void> {
    await this.#creators.deleted(kind, namespace, name);
  }
}
