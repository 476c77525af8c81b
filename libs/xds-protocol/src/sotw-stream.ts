import type { ResourceEntry } from './cache-view.js';
import { anyFieldSize, headerSize } from './message-size.js';
import { XdsStreamBase } from './stream-base.js';
import { emptyStep, type StreamEvent, type StreamStep } from './stream-events.js';
import { WILDCARD, WILDCARD_TYPE_URLS } from './stream-mode.js';
import { contentVersion } from './version.js';
import type { AnyResource, DiscoveryRequest, DiscoveryResponse } from './wire.js';

/** Per type URL on one stream: the subscription and what the client was last sent. */
interface SotwTypeState {
  /** The client has named resources at least once: the legacy empty-list wildcard is over. */
  explicit: boolean;
  wildcard: boolean;
  names: Set<string>;
  /** Names as last requested, so a denied name is reported once, not on every ACK. */
  requested: Set<string>;
  /** name -> version the client was sent and still subscribes to; undefined until the first response. */
  sent?: Map<string, string>;
  lastNonce?: string;
  lastVersion?: string;
  acked?: string;
  /** Version last reported as too large, so the report is not repeated on every request. */
  oversize?: string;
}

export interface SotwTypeStatus {
  typeUrl: string;
  wildcard: boolean;
  names: string[];
  sentVersion?: string;
  ackedVersion?: string;
  nonce?: string;
}

/**
 * The state-of-the-world protocol for one stream (ADS or a single-type service such as SDS).
 * Each response carries every subscribed resource of its type; versions come from content.
 */
export class SotwStream extends XdsStreamBase<DiscoveryResponse> {
  readonly #types = new Map<string, SotwTypeState>();

  onRequest(request: DiscoveryRequest): StreamStep<DiscoveryResponse> {
    const admitted = this.admit(request);
    if (!admitted.ok) return admitted.step;
    const typeUrl = admitted.typeUrl;
    const events: StreamEvent[] = [];
    let state = this.#types.get(typeUrl);
    if (!state) {
      state = { explicit: false, wildcard: false, names: new Set(), requested: new Set() };
      this.#types.set(typeUrl, state);
    }

    const nonce = request.response_nonce ?? '';
    if (state.lastNonce !== undefined) {
      // A request answering an older response crossed a newer one; the client will answer that too.
      if (nonce !== state.lastNonce) {
        return {
          responses: [],
          events: [{ kind: 'stale-nonce', typeUrl, nonce, expected: state.lastNonce }],
        };
      }
      if (request.error_detail) {
        events.push({
          kind: 'nack',
          typeUrl,
          rejectedVersion: state.lastVersion ?? '',
          currentVersion: request.version_info ?? '',
          nonce,
          code: request.error_detail.code ?? 0,
          message: request.error_detail.message ?? '',
        });
      } else {
        state.acked = request.version_info ?? '';
        events.push({ kind: 'ack', typeUrl, version: state.acked, nonce });
      }
    }

    this.#subscribe(typeUrl, state, request.resource_names ?? [], events);
    const step = this.recompute(typeUrl);
    step.events.unshift(...events);
    return step;
  }

  #subscribe(typeUrl: string, state: SotwTypeState, requested: string[], events: StreamEvent[]): void {
    const wildcardType = WILDCARD_TYPE_URLS.has(typeUrl);
    if (requested.length > 0) state.explicit = true;
    // Legacy wildcard lasts only while the client has never named anything; after that an empty
    // list means no resources, not all of them.
    state.wildcard = wildcardType && (!state.explicit || requested.includes(WILDCARD));
    const names = new Set<string>();
    for (const name of requested) {
      if (wildcardType && name === WILDCARD) continue;
      if (this.allowed(typeUrl, name)) names.add(name);
      else if (!state.requested.has(name)) events.push({ kind: 'denied', typeUrl, name });
    }
    state.requested = new Set(requested);
    state.names = names;
    // Names dropped from the subscription are gone from the client: subscribing again resends.
    if (state.sent && !state.wildcard) {
      for (const name of [...state.sent.keys()]) if (!names.has(name)) state.sent.delete(name);
    }
  }

  protected isInterested(typeUrl: string, changed: ReadonlySet<string>): boolean {
    const state = this.#types.get(typeUrl);
    if (!state) return false;
    if (state.wildcard) return true;
    for (const name of changed) if (state.names.has(name)) return true;
    return false;
  }

  protected recompute(typeUrl: string): StreamStep<DiscoveryResponse> {
    const state = this.#types.get(typeUrl);
    const view = this.view;
    if (!state || !view || this.closed) return emptyStep();
    const available = view.resources(typeUrl);
    const desired = new Map<string, ResourceEntry>();
    if (state.wildcard) {
      for (const [name, entry] of available) desired.set(name, entry);
    } else {
      for (const name of state.names) {
        const entry = available.get(name);
        if (entry) desired.set(name, entry);
      }
    }
    if (!this.#shouldRespond(state, desired)) {
      // A subscribed resource that disappeared is no longer "sent": if it comes back, it is pushed again.
      if (state.sent)
        for (const name of [...state.sent.keys()]) if (!desired.has(name)) state.sent.delete(name);
      return emptyStep();
    }

    const names = [...desired.keys()].sort();
    const version = contentVersion(names.map((n) => [n, desired.get(n)!.version] as const));
    const nonce = this.nonces.next();
    const resources: AnyResource[] = names.map((n) => ({ type_url: typeUrl, value: desired.get(n)!.bytes }));
    let bytes = headerSize(typeUrl, version, nonce);
    for (const r of resources) bytes += anyFieldSize(r);
    if (bytes > this.maxMessageBytes) {
      // SotW must carry the whole set in one message; splitting would drop resources on the client.
      if (state.oversize === version) return emptyStep();
      state.oversize = version;
      return {
        responses: [],
        events: [{ kind: 'oversize', typeUrl, names, bytes, limit: this.maxMessageBytes }],
      };
    }

    state.sent = new Map(names.map((n) => [n, desired.get(n)!.version]));
    state.lastNonce = nonce;
    state.lastVersion = version;
    state.oversize = undefined;
    return {
      responses: [{ version_info: version, resources, type_url: typeUrl, nonce }],
      events: [{ kind: 'push', typeUrl, version, nonce, names, removed: [], bytes }],
    };
  }

  #shouldRespond(state: SotwTypeState, desired: Map<string, ResourceEntry>): boolean {
    const sent = state.sent;
    if (state.wildcard) {
      // LDS/CDS: the response is the whole set, so an absent resource is a deletion; the first
      // request is answered even when empty so the client can finish initializing.
      if (!sent || sent.size !== desired.size) return true;
      for (const [name, entry] of desired) if (sent.get(name) !== entry.version) return true;
      return false;
    }
    // RDS/EDS/SDS: answer only with something the client lacks; a request for a resource that
    // does not exist yet is held until it appears.
    for (const [name, entry] of desired) if (sent?.get(name) !== entry.version) return true;
    return false;
  }

  subscribedTypes(): string[] {
    return [...this.#types.keys()];
  }

  status(): SotwTypeStatus[] {
    return [...this.#types].map(([typeUrl, s]) => ({
      typeUrl,
      wildcard: s.wildcard,
      names: [...s.names].sort(),
      sentVersion: s.lastVersion,
      ackedVersion: s.acked,
      nonce: s.lastNonce,
    }));
  }

  protected forgetSubscriptions(): void {
    this.#types.clear();
  }
}
