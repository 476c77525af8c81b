import type { Logger } from '#keyway/observability';
import { decodeSecret, type DecodedSecret, type SecretInput } from '#keyway/secrets';
import type { SecretEvent } from '../secret-event.js';
import { dataHashOf } from '../secret-entry.js';
import type { KubeClient } from './kube-client.js';

/** The parts of a Secret the source reads from the API. */
interface V1Secret {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  type?: string;
  data?: Record<string, string>;
}

interface SecretList {
  metadata?: { resourceVersion?: string };
  items: V1Secret[];
}

export interface KubernetesSourceOptions {
  client: KubeClient;
  /** Namespaces to watch; empty: every namespace. */
  namespaces: string[];
  labelSelector?: string;
  emit: (event: SecretEvent) => Promise<unknown>;
  logger: Logger;
  /** Longest pause between reconnect attempts. */
  maxBackoffMs?: number;
}

interface Held {
  hash: string;
}

const ACTOR = 'kubernetes';

/** A Kubernetes API error status (HTTP 410, or a watch ERROR event carrying a Status with code 410). */
function isGone(e: unknown): boolean {
  const err = e as { statusCode?: number; code?: number; body?: { code?: number } };
  return err?.statusCode === 410 || err?.code === 410 || err?.body?.code === 410;
}

function toInput(s: V1Secret): SecretInput {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.metadata?.name ?? '', namespace: s.metadata?.namespace },
    type: s.type,
    // The client hands data back base64-encoded, as the API stores it.
    data: s.data,
  };
}

/**
 * Secrets from a Kubernetes API server: list, then watch from the list's resourceVersion with
 * bookmarks. A closed watch resumes from the last resourceVersion seen (event or bookmark); 410 Gone
 * (history compacted) re-lists and diffs against what is held, so deletions in the gap are seen.
 */
export class KubernetesSource {
  readonly #held = new Map<string, Map<string, Held>>(); // scope -> ns/name -> hash
  readonly #resourceVersion = new Map<string, string>();
  readonly #aborts = new Set<() => void>();
  #stopped = false;
  #chain: Promise<unknown> = Promise.resolve();
  #loops: Promise<void>[] = [];

  constructor(private readonly options: KubernetesSourceOptions) {}

  get scopes(): string[] {
    return this.options.namespaces.length ? this.options.namespaces : [''];
  }

  /** Lists every scope once: the Secrets to seed before the first reconcile. */
  async initial(): Promise<Array<{ actor: string; secret: DecodedSecret }>> {
    const out: Array<{ actor: string; secret: DecodedSecret }> = [];
    for (const scope of this.scopes) {
      for (const secret of await this.#list(scope)) out.push({ actor: ACTOR, secret });
    }
    return out;
  }

  start(): void {
    this.#loops = this.scopes.map((scope) => this.#run(scope));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const abort of this.#aborts) abort();
    await Promise.all(this.#loops);
    await this.#chain.catch(() => undefined);
  }

  /** Where the next watch of a scope resumes (`''`: all namespaces). */
  resourceVersion(scope: string): string | undefined {
    return this.#resourceVersion.get(scope);
  }

  /** Resolves when every event received so far has been handed to the reconciler. */
  settled(): Promise<unknown> {
    return this.#chain;
  }

  async #list(scope: string): Promise<DecodedSecret[]> {
    const list = await this.options.client.list<SecretList>(this.#path(scope), {
      labelSelector: this.options.labelSelector,
    });
    this.#resourceVersion.set(scope, list.metadata?.resourceVersion ?? '');
    const held = new Map<string, Held>();
    const secrets: DecodedSecret[] = [];
    for (const item of list.items) {
      const decoded = decodeSecret(toInput(item));
      if (!decoded.ok) continue;
      held.set(`${decoded.secret.namespace}/${decoded.secret.name}`, { hash: dataHashOf(decoded.secret) });
      secrets.push(decoded.secret);
    }
    this.#held.set(scope, held);
    return secrets;
  }

  /** Re-list after 410 Gone: emit what changed or vanished while the watch could not resume. */
  async #relist(scope: string): Promise<void> {
    const before = this.#held.get(scope) ?? new Map<string, Held>();
    const secrets = await this.#list(scope);
    const now = this.#held.get(scope)!;
    for (const secret of secrets) {
      const key = `${secret.namespace}/${secret.name}`;
      if (before.get(key)?.hash !== now.get(key)!.hash)
        this.#emit({ kind: 'apply', source: 'kubernetes', actor: ACTOR, secret });
    }
    for (const key of before.keys()) {
      if (now.has(key)) continue;
      const [namespace, name] = key.split('/');
      this.#emit({ kind: 'delete', source: 'kubernetes', actor: ACTOR, namespace, name });
    }
  }

  #emit(event: SecretEvent): void {
    this.#chain = this.#chain
      .then(() => this.options.emit(event))
      .catch((e) => this.options.logger.error({ err: (e as Error).message }, 'kubernetes event failed'));
  }

  #onEvent(scope: string, type: string, obj: V1Secret & { code?: number }): void {
    if (type === 'ERROR')
      throw Object.assign(new Error(`watch error: ${JSON.stringify(obj).slice(0, 200)}`), {
        code: obj?.code,
      });
    const rv = obj?.metadata?.resourceVersion;
    if (rv) this.#resourceVersion.set(scope, rv);
    if (type === 'BOOKMARK') return;
    const decoded = decodeSecret(toInput(obj));
    if (!decoded.ok) return;
    const { secret } = decoded;
    const key = `${secret.namespace}/${secret.name}`;
    const held = this.#held.get(scope)!;
    if (type === 'DELETED') {
      held.delete(key);
      this.#emit({
        kind: 'delete',
        source: 'kubernetes',
        actor: ACTOR,
        namespace: secret.namespace,
        name: secret.name,
      });
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      held.set(key, { hash: dataHashOf(secret) });
      this.#emit({ kind: 'apply', source: 'kubernetes', actor: ACTOR, secret });
    }
  }

  #path(scope: string): string {
    return scope ? `/api/v1/namespaces/${scope}/secrets` : '/api/v1/secrets';
  }

  /** One watch after another until stopped; backs off on errors, re-lists on 410 Gone. */
  async #run(scope: string): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      let gone: unknown;
      const handle = this.options.client.watch(
        this.#path(scope),
        {
          resourceVersion: this.#resourceVersion.get(scope),
          allowWatchBookmarks: 'true',
          labelSelector: this.options.labelSelector,
        },
        (type, obj) => {
          if (gone) return;
          try {
            this.#onEvent(scope, type, obj);
          } catch (e) {
            gone = e;
            handle.abort();
          }
        },
      );
      this.#aborts.add(handle.abort);
      const ended = await handle.done;
      this.#aborts.delete(handle.abort);
      const result = gone ?? ended;
      if (this.#stopped) return;
      try {
        if (isGone(result)) {
          this.options.logger.info(
            { scope: scope || '(all)' },
            'watch history expired (410 Gone): re-listing',
          );
          await this.#relist(scope);
          failures = 0;
          continue;
        }
        if (result) throw result;
        failures = 0; // a clean close: resume from the last resourceVersion at once
      } catch (e) {
        failures++;
        this.options.logger.warn(
          { scope: scope || '(all)', err: (e as Error)?.message },
          'kubernetes watch failed; reconnecting',
        );
        await new Promise((r) =>
          setTimeout(r, Math.min(this.options.maxBackoffMs ?? 5000, 100 * 2 ** Math.min(failures, 6))),
        );
      }
    }
  }
}
