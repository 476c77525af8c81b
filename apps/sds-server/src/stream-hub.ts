import {
  Fanout,
  mergeSteps,
  type ChangeBatch,
  type Delivery,
  type StreamStep,
  type XdsStream,
} from '#keyway/xds-protocol';

/**
 * Streams by scope (namespace, proxy group), so a change reaches only the streams that can see it.
 * A stream sits in one namespace scope and one group scope; pausing pauses it in both.
 */
export class StreamHub {
  readonly #fanouts = new Map<string, Fanout<unknown>>();
  readonly #scopesOf = new Map<XdsStream, string[]>();
  readonly #paused = new Set<XdsStream>();

  add(stream: XdsStream, scopes: string[]): void {
    this.#scopesOf.set(stream, scopes);
    for (const scope of scopes) {
      let fanout = this.#fanouts.get(scope);
      if (!fanout) {
        fanout = new Fanout<unknown>();
        this.#fanouts.set(scope, fanout);
      }
      fanout.add(stream);
    }
  }

  remove(stream: XdsStream): void {
    for (const scope of this.#scopesOf.get(stream) ?? []) {
      const fanout = this.#fanouts.get(scope);
      fanout?.remove(stream);
      if (fanout && fanout.size === 0) this.#fanouts.delete(scope);
    }
    this.#scopesOf.delete(stream);
    this.#paused.delete(stream);
  }

  /** Streams whose client is not reading. */
  get pausedCount(): number {
    return this.#paused.size;
  }

  get size(): number {
    return this.#scopesOf.size;
  }

  /** Scopes with at least one stream: none left behind once every stream is removed. */
  get scopeCount(): number {
    return this.#fanouts.size;
  }

  publish(scope: string, batch: ChangeBatch): Delivery<unknown, XdsStream>[] {
    return this.#fanouts.get(scope)?.publish(batch) ?? [];
  }

  pause(stream: XdsStream): void {
    if (this.#scopesOf.has(stream)) this.#paused.add(stream);
    for (const scope of this.#scopesOf.get(stream) ?? []) this.#fanouts.get(scope)?.pause(stream);
  }

  resume(stream: XdsStream): StreamStep<unknown> {
    this.#paused.delete(stream);
    const step: StreamStep<unknown> = { responses: [], events: [] };
    for (const scope of this.#scopesOf.get(stream) ?? []) {
      const fanout = this.#fanouts.get(scope);
      if (fanout) mergeSteps(step, fanout.resume(stream));
    }
    return step;
  }
}
