import { ChangeBatchBuilder, type ChangeBatch } from './cache-view.js';
import type { XdsStream } from './stream-base.js';
import type { StreamStep } from './stream-events.js';

export interface Delivery<R, S extends XdsStream<R>> {
  stream: S;
  step: StreamStep<R>;
}

/**
 * The streams one server holds, told about changes. A stream whose client is not reading
 * (its transport buffer is full) is paused: it queues nothing, only which names changed, and
 * on resume it computes one coalesced answer from the current state. So a slow or dead client
 * never holds up the others and never grows memory with every change.
 */
export class Fanout<R, S extends XdsStream<R> = XdsStream<R>> {
  readonly #streams = new Set<S>();
  readonly #paused = new Map<S, ChangeBatchBuilder>();

  add(stream: S): void {
    this.#streams.add(stream);
  }

  /** Forgets the stream entirely: nothing refers to it afterwards. */
  remove(stream: S): void {
    this.#streams.delete(stream);
    this.#paused.delete(stream);
  }

  get size(): number {
    return this.#streams.size;
  }

  get pausedCount(): number {
    return this.#paused.size;
  }

  has(stream: S): boolean {
    return this.#streams.has(stream);
  }

  isPaused(stream: S): boolean {
    return this.#paused.has(stream);
  }

  /** Tells every live stream; returns only the deliveries with something to write or report. */
  publish(batch: ChangeBatch): Delivery<R, S>[] {
    const out: Delivery<R, S>[] = [];
    for (const stream of this.#streams) {
      if (stream.closed) {
        this.remove(stream);
        continue;
      }
      const held = this.#paused.get(stream);
      if (held) {
        held.merge(batch);
        continue;
      }
      const step = stream.onChanges(batch);
      if (step.responses.length > 0 || step.events.length > 0 || step.failure) out.push({ stream, step });
    }
    return out;
  }

  pause(stream: S): void {
    if (this.#streams.has(stream) && !this.#paused.has(stream))
      this.#paused.set(stream, new ChangeBatchBuilder());
  }

  /** The client drained: one answer for everything that changed while it was paused. */
  resume(stream: S): StreamStep<R> {
    const held = this.#paused.get(stream);
    this.#paused.delete(stream);
    if (!held || held.empty || stream.closed) return { responses: [], events: [] };
    return stream.onChanges(held.build());
  }
}
