import { Reflector, type KubernetesClient } from '#keyway/kubernetes';
import type { Logger } from '#keyway/observability';
import { decodeSecret, type DecodedSecret, type SecretInput } from '#keyway/secrets';
import type { SecretEvent } from '../secret-event.js';
import { dataHashOf } from '../secret-entry.js';

/** The parts of a Secret the source reads from the API. */
interface V1Secret {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  type?: string;
  data?: Record<string, string>;
}

export interface KubernetesSourceOptions {
  client: KubernetesClient;
  /** Namespaces to watch; empty: every namespace. */
  namespaces: string[];
  labelSelector?: string;
  emit: (event: SecretEvent) => Promise<unknown>;
  logger: Logger;
  /** Longest pause between reconnect attempts. */
  maxBackoffMs?: number;
}

const ACTOR = 'kubernetes';

function toInput(s: V1Secret): SecretInput {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.metadata?.name ?? '', namespace: s.metadata?.namespace },
    type: s.type,
    // The API hands data back base64-encoded, as it stores it.
    data: s.data,
  };
}

/**
 * Secrets from a Kubernetes API server, one reflector per watched namespace (libs/kubernetes: list,
 * watch with bookmarks, resume, 410 relist, backoff). What is held per scope is each Secret's data
 * hash, so a relist after 410 Gone emits only what changed or vanished in the gap.
 */
export class KubernetesSource {
  readonly #held = new Map<string, Map<string, string>>(); // scope -> ns/name -> data hash
  readonly #reflectors = new Map<string, Reflector<V1Secret>>();
  #chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: KubernetesSourceOptions) {
    for (const scope of this.scopes) {
      const where = { scope: scope || '(all)' };
      this.#reflectors.set(
        scope,
        new Reflector<V1Secret>({
          client: options.client,
          path: scope ? `/api/v1/namespaces/${scope}/secrets` : '/api/v1/secrets',
          labelSelector: options.labelSelector,
          backoff: { maxMs: options.maxBackoffMs ?? 5000 },
          onList: (items) => this.#relisted(scope, items),
          onEvent: (type, secret) => this.#onEvent(scope, type, secret),
          onError: (err) => options.logger.warn({ ...where, err }, 'kubernetes watch failed; reconnecting'),
          onExpired: () => options.logger.info(where, 'watch history expired (410 Gone): re-listing'),
        }),
      );
    }
  }

  get scopes(): string[] {
    return this.options.namespaces.length ? this.options.namespaces : [''];
  }

  /** Lists every scope once: the Secrets to seed before the first reconcile. */
  async initial(): Promise<Array<{ actor: string; secret: DecodedSecret }>> {
    const out: Array<{ actor: string; secret: DecodedSecret }> = [];
    for (const [scope, reflector] of this.#reflectors)
      for (const secret of this.#hold(scope, await reflector.list())) out.push({ actor: ACTOR, secret });
    return out;
  }

  start(): void {
    for (const r of this.#reflectors.values()) r.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#reflectors.values()].map((r) => r.stop()));
    await this.#chain.catch(() => undefined);
  }

  /** Where the next watch of a scope resumes (`''`: all namespaces). */
  resourceVersion(scope: string): string | undefined {
    return this.#reflectors.get(scope)?.resourceVersion;
  }

  /** Resolves when every event received so far has been handed to the reconciler. */
  settled(): Promise<unknown> {
    return this.#chain;
  }

  /** The decodable Secrets of a list, now what the scope holds. */
  #hold(scope: string, items: V1Secret[]): DecodedSecret[] {
    const held = new Map<string, string>();
    const secrets: DecodedSecret[] = [];
    for (const item of items) {
      const decoded = decodeSecret(toInput(item));
      if (!decoded.ok) continue;
      held.set(`${decoded.secret.namespace}/${decoded.secret.name}`, dataHashOf(decoded.secret));
      secrets.push(decoded.secret);
    }
    this.#held.set(scope, held);
    return secrets;
  }

  /** A list after 410 Gone: emit what changed or vanished while the watch could not resume. */
  #relisted(scope: string, items: V1Secret[]): void {
    const before = this.#held.get(scope) ?? new Map<string, string>();
    const secrets = this.#hold(scope, items);
    const now = this.#held.get(scope)!;
    for (const secret of secrets) {
      const key = `${secret.namespace}/${secret.name}`;
      if (before.get(key) !== now.get(key))
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

  #onEvent(scope: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: V1Secret): void {
    const decoded = decodeSecret(toInput(obj));
    if (!decoded.ok) return;
    const { secret } = decoded;
    const key = `${secret.namespace}/${secret.name}`;
    const held = this.#held.get(scope) ?? new Map<string, string>();
    this.#held.set(scope, held);
    if (type === 'DELETED') {
      held.delete(key);
      this.#emit({
        kind: 'delete',
        source: 'kubernetes',
        actor: ACTOR,
        namespace: secret.namespace,
        name: secret.name,
      });
    } else {
      held.set(key, dataHashOf(secret));
      this.#emit({ kind: 'apply', source: 'kubernetes', actor: ACTOR, secret });
    }
  }
}
