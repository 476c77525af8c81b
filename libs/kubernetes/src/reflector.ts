import { KubernetesApiError, type KubernetesClient, type WatchEvent } from './kubernetes-client.js';
import { watchBackoffMs } from './watch-backoff.js';

export type ObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReflectorOptions<T> {
  client: KubernetesClient;
  /** The collection: `/api/v1/namespaces/NS/secrets`, `/apis/networking.istio.io/v1/gateways`, ... */
  path: string;
  labelSelector?: string;
  /** After every list the loop makes (the first, and each after 410 Gone): all that exists now. */
  onList(items: T[]): void | Promise<void>;
  /** A change seen on the watch (bookmarks and errors are the reflector's own). */
  onEvent(type: ObjectEventType, object: T): void;
  /** A failed list or watch; the loop backs off and tries again. */
  onError(message: string): void;
  /** 410 Gone: the watch's history expired and the loop lists again. */
  onExpired?(): void;
  backoff?: { baseMs?: number; maxMs?: number };
  random?: () => number;
}

/**
 * List, then watch from the list's resourceVersion, as client-go's reflector does: bookmarks move the
 * resume point without an object; a watch the server closes resumes at once from the last version
 * seen; 410 Gone (the history was compacted) lists again, and the owner diffs that list against what
 * it holds (deletions in the gap show up there); failures back off exponentially with jitter.
 */
export class Reflector<T extends { metadata?: { resourceVersion?: string } }> {
  #resourceVersion?: string;
  #stopped = false;
  #abortWatch?: () => void;
  #wake?: () => void;
  #loop?: Promise<void>;
  readonly #listed: Promise<void>;
  #markListed!: () => void;

  constructor(private readonly o: ReflectorOptions<T>) {
    this.#listed = new Promise((resolve) => (this.#markListed = resolve));
  }

  /** Resolves once a list succeeded (the loop's or `list()`). */
  get listed(): Promise<void> {
    return this.#listed;
  }

  /** Where the next watch resumes. */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  /** One list, outside the loop (to seed before `start`); the loop's watch then starts from it. */
  async list(): Promise<T[]> {
    const { items, resourceVersion } = await this.o.client.list<T>(this.o.path, {
      labelSelector: this.o.labelSelector,
    });
    this.#resourceVersion = resourceVersion;
    this.#markListed();
    return items;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abortWatch?.();
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      try {
        if (this.#resourceVersion === undefined) await this.o.onList(await this.list());
        const ended = await this.#watch();
        if (this.#stopped) return;
        if (ended === 'expired') {
          this.o.onExpired?.();
          this.#resourceVersion = undefined;
          failures = 0;
          continue;
        }
        if (ended instanceof Error) throw ended;
        // A clean close resumes at once; one that carried nothing counts toward the backoff, so a
        // server that closes every watch at once is not hammered.
        failures = ended === 'progress' ? 0 : failures + 1;
      } catch (e) {
        if (this.#stopped) return;
        failures++;
        this.o.onError((e as Error).message);
      }
      if (failures > 0) await this.#sleep(watchBackoffMs(failures, this.o.backoff, this.o.random));
    }
  }

  /** One watch: 'expired' on 410, an error, or whether it moved the resume point before it closed. */
  async #watch(): Promise<'expired' | 'progress' | 'idle' | Error> {
    let outcome: 'expired' | Error | undefined;
    let progress = false;
    const handle = this.o.client.watch(
      this.o.path,
      {
        resourceVersion: this.#resourceVersion,
        allowWatchBookmarks: 'true',
        labelSelector: this.o.labelSelector,
      },
      (e: WatchEvent) => {
        if (outcome) return;
        if (e.type === 'ERROR') {
          const status = (e.object ?? {}) as { code?: number; message?: string };
          outcome =
            status.code === 410
              ? 'expired'
              : new KubernetesApiError(
                  status.code ?? 0,
                  `watch ${this.o.path}: ${String(status.message).slice(0, 200)}`,
                );
          handle.abort();
          return;
        }
        const version = (e.object as T | undefined)?.metadata?.resourceVersion;
        if (version) {
          this.#resourceVersion = version;
          progress = true;
        }
        if (e.type !== 'BOOKMARK') this.o.onEvent(e.type, e.object as T);
      },
    );
    this.#abortWatch = handle.abort;
    const ended = await handle.done;
    this.#abortWatch = undefined;
    if (outcome) return outcome;
    if (ended instanceof KubernetesApiError && ended.expired) return 'expired';
    return ended ?? (progress ? 'progress' : 'idle');
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
