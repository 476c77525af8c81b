import { performance } from 'node:perf_hooks';
import { TypeUrl } from '#keyway/envoy-api';
import {
  ChangeBatchBuilder,
  ResourceCache,
  type CacheView,
  type ChangeBatch,
  type ResourceEntry,
} from '#keyway/xds-protocol';

/** Streams listen per scope: one namespace's secrets, or one proxy group's compiled resources. */
export const namespaceScope = (namespace: string): string => `ns:${namespace}`;
export const groupScope = (groupId: string): string => `group:${groupId}`;

export interface StoreChange {
  scope: string;
  batch: ChangeBatch;
  /** `performance.now()` when the bucket update arrived, for push latency. */
  at: number;
}

const EMPTY = new ResourceCache();

/**
 * What the server serves, as state: secrets by namespace and compiled resources by proxy group.
 * Fed from the KV buckets; identical content changes nothing and notifies nobody.
 */
export class ResourceStore {
  readonly #scopes = new Map<string, ResourceCache>();
  readonly #listeners = new Set<(change: StoreChange) => void>();
  /** Inside `transaction`: changes per scope, emitted together at the end. */
  #pending: Map<string, { builder: ChangeBatchBuilder; at: number }> | undefined;

  /** Changes made inside `fn` reach streams as one batch per scope, so several types push in order. */
  transaction<T>(fn: () => T): T {
    if (this.#pending) return fn();
    this.#pending = new Map();
    try {
      return fn();
    } finally {
      const pending = this.#pending;
      this.#pending = undefined;
      // Group scopes (CDS, EDS, LDS, RDS) before namespace scopes (SDS): Envoy's push order.
      const ordered = [...pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [scope, { builder, at }] of ordered) {
        const change: StoreChange = { scope, batch: builder.build(), at };
        for (const listener of this.#listeners) listener(change);
      }
    }
  }

  onChange(listener: (change: StoreChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The view one proxy may see: its namespace's secrets and its group's resources. */
  viewFor(namespace: string, groupId: string): CacheView {
    return {
      resources: (typeUrl) =>
        (typeUrl === TypeUrl.Secret
          ? this.#scope(namespaceScope(namespace))
          : this.#scope(groupScope(groupId))
        ).resources(typeUrl),
    };
  }

  putSecret(
    namespace: string,
    entries: { name: string; entry: ResourceEntry }[],
    at = performance.now(),
  ): boolean {
    return this.#put(namespaceScope(namespace), TypeUrl.Secret, entries, at);
  }

  deleteSecret(namespace: string, names: string[], at = performance.now()): boolean {
    return this.#delete(namespaceScope(namespace), TypeUrl.Secret, names, at);
  }

  putResource(
    groupId: string,
    typeUrl: string,
    name: string,
    entry: ResourceEntry,
    at = performance.now(),
  ): boolean {
    return this.#put(groupScope(groupId), typeUrl, [{ name, entry }], at);
  }

  deleteResource(groupId: string, typeUrl: string, name: string, at = performance.now()): boolean {
    return this.#delete(groupScope(groupId), typeUrl, [name], at);
  }

  get(scope: string, typeUrl: string, name: string): ResourceEntry | undefined {
    return this.#scopes.get(scope)?.get(typeUrl, name);
  }

  #scope(scope: string): ResourceCache {
    return this.#scopes.get(scope) ?? EMPTY;
  }

  #put(
    scope: string,
    typeUrl: string,
    entries: { name: string; entry: ResourceEntry }[],
    at: number,
  ): boolean {
    let cache = this.#scopes.get(scope);
    if (!cache) {
      cache = new ResourceCache();
      this.#scopes.set(scope, cache);
    }
    const changed = entries.filter(({ name, entry }) => cache.put(typeUrl, name, entry)).map((e) => e.name);
    if (changed.length > 0) this.#emit(scope, typeUrl, changed, at);
    return changed.length > 0;
  }

  #delete(scope: string, typeUrl: string, names: string[], at: number): boolean {
    const cache = this.#scopes.get(scope);
    if (!cache) return false;
    const changed = names.filter((name) => cache.delete(typeUrl, name));
    if (cache.size === 0) this.#scopes.delete(scope);
    if (changed.length > 0) this.#emit(scope, typeUrl, changed, at);
    return changed.length > 0;
  }

  #emit(scope: string, typeUrl: string, names: string[], at: number): void {
    if (this.#pending) {
      let held = this.#pending.get(scope);
      if (!held) {
        held = { builder: new ChangeBatchBuilder(), at };
        this.#pending.set(scope, held);
      }
      held.at = Math.min(held.at, at);
      for (const name of names) held.builder.add(typeUrl, name);
      return;
    }
    const change: StoreChange = { scope, batch: new Map([[typeUrl, new Set(names)]]), at };
    for (const listener of this.#listeners) listener(change);
  }
}
