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
