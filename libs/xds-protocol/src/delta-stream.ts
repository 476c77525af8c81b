import { deltaResourceFieldSize, headerSize, repeatedStringFieldSize } from './message-size.js';
import { XdsStreamBase } from './stream-base.js';
import { emptyStep, type StreamEvent, type StreamStep } from './stream-events.js';
import { WILDCARD, WILDCARD_TYPE_URLS } from './stream-mode.js';
import { contentVersion } from './version.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, DeltaResource } from './wire.js';

/** Unanswered responses remembered per type; older ones become stale. */
const MAX_PENDING = 32;

interface DeltaTypeState {
  /** Wildcard from an empty first subscribe (LDS/CDS), not from an explicit `*`. */
  legacyWildcard: boolean;
  wildcard: boolean;
  names: Set<string>;
  /** name -> version the client holds, as far as the server knows (sent, or declared on reconnect). */
  known: Map<string, string>;
  /** Responses not yet answered, oldest first: nonce -> system version after that response. */
  pending: Map<string, string>;
  /** The first response of a wildcard subscription is due even when it carries nothing. */
  initialDue: boolean;
  acked?: string;
  oversize: Set<string>;
}

export interface DeltaTypeStatus {
  typeUrl: string;
  wildcard: boolean;
  names: string[];
  known: Record<string, string>;
  ackedVersion?: string;
  pendingNonces: string[];
}

/**
 * The incremental (Delta) protocol for one stream: responses carry only what changed, plus the
 * names of deleted resources the client holds. A change too large for one message is split.
 */
export class DeltaStream extends XdsStreamBase<DeltaDiscoveryResponse> {
  readonly #types = new Map<string, DeltaTypeState>();

  onRequest(request: DeltaDiscoveryRequest): StreamStep<DeltaDiscoveryResponse> {
    const admitted = this.admit(request);
    if (!admitted.ok) return admitted.step;
    const typeUrl = admitted.typeUrl;
    const events: StreamEvent[] = [];
    let state = this.#types.get(typeUrl);
    const first = !state;
    if (!state) {
      state = {
        legacyWildcard: false,
        wildcard: false,
        names: new Set(),
        known: new Map(),
        pending: new Map(),
        initialDue: false,
        oversize: new Set(),
      };
      this.#types.set(typeUrl, state);
    }

    const nonce = request.response_nonce ?? '';
    if (nonce) this.#answer(typeUrl, state, nonce, request, events);

    this.#subscribe(typeUrl, state, request, first, events);
    if (first) {
      // Reconnect: the client says what it holds, so only what differs is sent.
      for (const [name, version] of Object.entries(request.initial_resource_versions ?? {})) {
        if (state.wildcard || state.names.has(name)) state.known.set(name, version);
      }
      state.initialDue = state.wildcard;
    }
    const step = this.recompute(typeUrl);
    step.events.unshift(...events);
    return step;
  }

  /** ACK or NACK. Subscription changes in a request with a stale nonce still count: Delta requests are deltas. */
  #answer(
    typeUrl: string,
    state: DeltaTypeState,
    nonce: string,
    request: DeltaDiscoveryRequest,
    events: StreamEvent[],
  ): void {
    const version = state.pending.get(nonce);
    if (version === undefined) {
      events.push({ kind: 'stale-nonce', typeUrl, nonce });
      return;
    }
    // The client answers in order: every older response was answered already.
    for (const pendingNonce of [...state.pending.keys()]) {
      state.pending.delete(pendingNonce);
      if (pendingNonce === nonce) break;
    }
    if (request.error_detail) {
      events.push({
        kind: 'nack',
        typeUrl,
        rejectedVersion: version,
        currentVersion: state.acked ?? '',
        nonce,
        code: request.error_detail.code ?? 0,
        message: request.error_detail.message ?? '',
      });
    } else {
      state.acked = version;
      events.push({ kind: 'ack', typeUrl, version, nonce });
    }
  }

  #subscribe(
    typeUrl: string,
    state: DeltaTypeState,
    request: DeltaDiscoveryRequest,
    first: boolean,
    events: StreamEvent[],
  ): void {
    const wildcardType = WILDCARD_TYPE_URLS.has(typeUrl);
    const subscribe = request.resource_names_subscribe ?? [];
    const unsubscribe = request.resource_names_unsubscribe ?? [];
    if (first && subscribe.length === 0 && wildcardType) {
      state.legacyWildcard = true;
      state.wildcard = true;
    } else if (subscribe.length > 0 && state.legacyWildcard) {
      // Naming a resource ends the legacy wildcard; a client that still wants everything sends `*`.
      state.legacyWildcard = false;
      state.wildcard = false;
    }
    for (const name of subscribe) {
      if (wildcardType && name === WILDCARD) {
        state.wildcard = true;
      } else if (this.allowed(typeUrl, name)) {
        state.names.add(name);
      } else {
        events.push({ kind: 'denied', typeUrl, name });
      }
    }
    for (const name of unsubscribe) {
      if (wildcardType && name === WILDCARD) {
        state.wildcard = false;
        state.legacyWildcard = false;
      } else {
        state.names.delete(name);
      }
    }
    // The client drops what it no longer subscribes to, so subscribing again resends it.
    if (!state.wildcard) {
      for (const name of [...state.known.keys()]) if (!state.names.has(name)) state.known.delete(name);
    }
  }

  protected isInterested(typeUrl: string, changed: ReadonlySet<string>): boolean {
    const state = this.#types.get(typeUrl);
    if (!state) return false;
    if (state.wildcard) return true;
    for (const name of changed) if (state.names.has(name) || state.known.has(name)) return true;
    return false;
  }

  protected recompute(typeUrl: string): StreamStep<DeltaDiscoveryResponse> {
    const state = this.#types.get(typeUrl);
    const view = this.view;
    if (!state || !view || this.closed) return emptyStep();
    const available = view.resources(typeUrl);
    const interested = (name: string): boolean => state.wildcard || state.names.has(name);

    const removed: string[] = [];
    for (const name of state.known.keys()) if (interested(name) && !available.has(name)) removed.push(name);
    const updated: DeltaResource[] = [];
    const candidates = state.wildcard ? available.keys() : state.names.values();
    for (const name of candidates) {
      const entry = available.get(name);
      if (!entry || state.known.get(name) === entry.version) continue;
      updated.push({ name, version: entry.version, resource: { type_url: typeUrl, value: entry.bytes } });
    }
    removed.sort();
    updated.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const initial = state.initialDue;
    if (removed.length === 0 && updated.length === 0 && !initial) return emptyStep();
    state.initialDue = false;
    return this.#respond(typeUrl, state, updated, removed, initial);
  }

  /** Writes the change as one response, or several when it would exceed the message limit. */
  #respond(
    typeUrl: string,
    state: DeltaTypeState,
    updated: DeltaResource[],
    removed: string[],
    initial: boolean,
  ): StreamStep<DeltaDiscoveryResponse> {
    const step = emptyStep<DeltaDiscoveryResponse>();
    // Room for the header: version (16 hex) and nonce are short; 64 bytes covers both with tags.
    const header = headerSize(typeUrl, '', '') + 64;
    const chunks: { resources: DeltaResource[]; removed: string[]; bytes: number }[] = [];
    let current = { resources: [] as DeltaResource[], removed: [] as string[], bytes: header };
    const flush = (): void => {
      if (current.resources.length > 0 || current.removed.length > 0) chunks.push(current);
      current = { resources: [], removed: [], bytes: header };
    };
    for (const name of removed) {
      const size = repeatedStringFieldSize(name);
      if (current.bytes + size > this.maxMessageBytes) flush();
      current.removed.push(name);
      current.bytes += size;
    }
    for (const resource of updated) {
      const size = deltaResourceFieldSize(resource);
      if (header + size > this.maxMessageBytes) {
        const key = `${resource.name}@${resource.version}`;
        if (!state.oversize.has(key)) {
          state.oversize.add(key);
          step.events.push({
            kind: 'oversize',
            typeUrl,
            names: [resource.name],
            bytes: header + size,
            limit: this.maxMessageBytes,
          });
        }
        continue;
      }
      if (current.bytes + size > this.maxMessageBytes) flush();
      current.resources.push(resource);
      current.bytes += size;
    }
    flush();
    if (chunks.length === 0) {
      if (!initial) return step;
      chunks.push(current); // the empty first answer of a wildcard subscription
    }

    for (const chunk of chunks) {
      for (const name of chunk.removed) state.known.delete(name);
      for (const r of chunk.resources) state.known.set(r.name, r.version);
      const version = contentVersion(state.known);
      const nonce = this.nonces.next();
      state.pending.set(nonce, version);
      // A client that reads but never answers must not grow the stream's state without bound.
      if (state.pending.size > MAX_PENDING) state.pending.delete(state.pending.keys().next().value!);
      step.responses.push({
        system_version_info: version,
        resources: chunk.resources,
        type_url: typeUrl,
        removed_resources: chunk.removed,
        nonce,
      });
      step.events.push({
        kind: 'push',
        typeUrl,
        version,
        nonce,
        names: chunk.resources.map((r) => r.name),
        removed: chunk.removed,
        bytes: chunk.bytes,
      });
    }
    return step;
  }

  subscribedTypes(): string[] {
    return [...this.#types.keys()];
  }

  status(): DeltaTypeStatus[] {
    return [...this.#types].map(([typeUrl, s]) => ({
      typeUrl,
      wildcard: s.wildcard,
      names: [...s.names].sort(),
      known: Object.fromEntries([...s.known].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      ackedVersion: s.acked,
      pendingNonces: [...s.pending.keys()],
    }));
  }

  protected forgetSubscriptions(): void {
    this.#types.clear();
  }
}
