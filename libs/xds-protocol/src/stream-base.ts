import type { CacheView, ChangeBatch } from './cache-view.js';
import { MAX_MESSAGE_BYTES } from './message-size.js';
import { emptyStep, streamFailure, type GrpcStatusName, type StreamStep } from './stream-events.js';
import { inPushOrder, isServedType, NonceSource, resolveTypeUrl, type StreamMode } from './stream-mode.js';
import type { XdsNode } from './wire.js';

export interface XdsStreamOptions {
  mode: StreamMode;
  /** Called once, when the first request brings the node: what this proxy may see. */
  view: (node: XdsNode) => CacheView;
  /** Names this stream may subscribe to; others are dropped with a `denied` event. Default: all. */
  allowName?: (typeUrl: string, name: string) => boolean;
  /** Largest message the stream writes (default 4 MiB, gRPC's default receive limit). */
  maxMessageBytes?: number;
  noncePrefix?: string;
}

/** What the fan-out needs from either protocol variant. */
export interface XdsStream<R = unknown> {
  readonly closed: boolean;
  onChanges(batch: ChangeBatch): StreamStep<R>;
  refresh(typeUrls?: Iterable<string>): StreamStep<R>;
  close(): void;
}

/** The request fields both variants share. */
interface RequestHead {
  node?: XdsNode | null;
  type_url?: string;
}

export type Admission<R> = { ok: true; typeUrl: string } | { ok: false; step: StreamStep<R> };

/** Node, type URL, closing and change fan-in: the parts SotW and Delta do alike. */
export abstract class XdsStreamBase<R> implements XdsStream<R> {
  #node: XdsNode | undefined;
  #view: CacheView | undefined;
  #closed = false;
  protected readonly nonces: NonceSource;
  protected readonly maxMessageBytes: number;

  constructor(protected readonly options: XdsStreamOptions) {
    this.nonces = new NonceSource(options.noncePrefix);
    this.maxMessageBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  }

  /** The node from the stream's first request; later requests' nodes are ignored. */
  get node(): XdsNode | undefined {
    return this.#node;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the stream: it answers nothing more and holds no subscription. */
  close(): void {
    this.#closed = true;
    this.forgetSubscriptions();
  }

  protected get view(): CacheView | undefined {
    return this.#view;
  }

  protected allowed(typeUrl: string, name: string): boolean {
    return this.options.allowName ? this.options.allowName(typeUrl, name) : true;
  }

  /** Validates the parts of a request every variant checks, binding the node on the first one. */
  protected admit(request: RequestHead): Admission<R> {
    if (this.#closed) return { ok: false, step: emptyStep() };
    if (!this.#node) {
      const node = request.node;
      if (!node || typeof node.id !== 'string' || node.id === '') {
        return this.fail('INVALID_ARGUMENT', 'node.id: required on the first request');
      }
      this.#node = node;
      this.#view = this.options.view(node);
    }
    const resolved = resolveTypeUrl(this.options.mode, request.type_url);
    if (!resolved.ok) {
      this.close();
      return { ok: false, step: { responses: [], events: [], failure: resolved.failure } };
    }
    if (!isServedType(resolved.typeUrl)) {
      return {
        ok: false,
        step: { responses: [], events: [{ kind: 'unsupported-type', typeUrl: resolved.typeUrl }] },
      };
    }
    return { ok: true, typeUrl: resolved.typeUrl };
  }

  private fail(status: GrpcStatusName, message: string): Admission<R> {
    this.close();
    return { ok: false, step: { responses: [], events: [], failure: streamFailure(status, message) } };
  }

  onResourcesChanged(typeUrl: string, names: Iterable<string>): StreamStep<R> {
    return this.onChanges(new Map([[typeUrl, new Set(names)]]));
  }

  /** Several types changed at once: responses come out in Envoy's push order (CDS, EDS, LDS, RDS, SDS). */
  onChanges(batch: ChangeBatch): StreamStep<R> {
    const step = emptyStep<R>();
    if (this.#closed || !this.#view) return step;
    for (const typeUrl of inPushOrder(batch.keys())) {
      const changed = batch.get(typeUrl);
      if (changed && this.isInterested(typeUrl, changed)) mergeSteps(step, this.recompute(typeUrl));
    }
    return step;
  }

  /** Recomputes every subscribed type (or the given ones) against the view: for a client that was paused. */
  refresh(typeUrls?: Iterable<string>): StreamStep<R> {
    const step = emptyStep<R>();
    if (this.#closed || !this.#view) return step;
    const wanted = typeUrls ? new Set(typeUrls) : undefined;
    for (const typeUrl of inPushOrder(this.subscribedTypes())) {
      if (!wanted || wanted.has(typeUrl)) mergeSteps(step, this.recompute(typeUrl));
    }
    return step;
  }

  /** Type URLs this stream has requested. */
  abstract subscribedTypes(): string[];
  protected abstract isInterested(typeUrl: string, changed: ReadonlySet<string>): boolean;
  protected abstract recompute(typeUrl: string): StreamStep<R>;
  protected abstract forgetSubscriptions(): void;
}

export function mergeSteps<R>(into: StreamStep<R>, from: StreamStep<R>): StreamStep<R> {
  into.responses.push(...from.responses);
  into.events.push(...from.events);
  if (from.failure) into.failure = from.failure;
  return into;
}
