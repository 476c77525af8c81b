import * as grpc from '@grpc/grpc-js';
import { ADS_SERVICE, xdsPackageDefinition } from '#keyway/envoy-api';
import { Backoff, type BackoffOptions } from './backoff.js';
import { channelCredentials, type XdsTransport } from './channel-credentials.js';
import { decodeResponse, type XdsUpdate } from './decoded-response.js';
import { SubscriptionState, WILDCARD } from './subscription-state.js';
import type { DiscoveryRequest, DiscoveryResponse, XdsNode } from './wire.js';

export type ApplyResult = { ok: true } | { ok: false; message: string };

/** The consumer: applies each response in order; `{ ok: false }` (or a throw) NACKs it. */
export interface XdsSubscriber {
  onUpdate(update: XdsUpdate): ApplyResult | Promise<ApplyResult>;
}

export type XdsClientEvent =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'response'; typeUrl: string; version: string; nonce: string; resources: number }
  | { kind: 'ack'; typeUrl: string; version: string; nonce: string }
  | { kind: 'nack'; typeUrl: string; version: string; nonce: string; message: string }
  | { kind: 'disconnected'; reason: string; retryInMs: number };

export interface AdsClientOptions {
  /** `host:port` of the ADS server. */
  target: string;
  transport: XdsTransport;
  node: XdsNode;
  subscriber: XdsSubscriber;
  /** Bearer token for the `authorization` metadata, read again for every stream. */
  token?: () => string | undefined | Promise<string | undefined>;
  backoff?: BackoffOptions;
  onEvent?: (event: XdsClientEvent) => void;
}

export interface SubscriptionStatus {
  typeUrl: string;
  names: readonly string[] | typeof WILDCARD;
  ackedVersion: string;
  nonce: string;
  lastError?: string;
}

type AdsStream = grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>;
type AdsStub = grpc.Client & { StreamAggregatedResources(metadata: grpc.Metadata): AdsStream };
type AdsStubConstructor = new (
  target: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ChannelOptions,
) => AdsStub;

/**
 * A state-of-the-world ADS client. Every response is decoded and handed to the subscriber in
 * arrival order; applied ones are ACKed with their version, the others NACKed with the reason and
 * the last applied version, so the server knows what is still in use. When the stream breaks, the
 * subscriber keeps its configuration and the client reconnects with back-off, announcing the
 * versions it already has.
 */
export class AdsClient {
  readonly #states = new Map<string, SubscriptionState>();
  readonly #backoff: Backoff;
  readonly #client: AdsStub;
  #stream?: AdsStream;
  /** Types announced on the current stream with named resources (an empty list then means "none", not wildcard). */
  #announced = new Set<string>();
  #generation = 0;
  #queue: Promise<void> = Promise.resolve();
  #timer?: ReturnType<typeof setTimeout>;
  #closed = false;
  #connected = false;

  constructor(private readonly options: AdsClientOptions) {
    this.#backoff = new Backoff(options.backoff ?? { initialMs: 500, maxMs: 2_000 });
    const pkg = grpc.loadPackageDefinition(xdsPackageDefinition());
    const Ctor = lookup(pkg, ADS_SERVICE) as AdsStubConstructor;
    const { credentials, options: channelOptions } = channelCredentials(options.transport);
    this.#client = new Ctor(options.target, credentials, {
      ...channelOptions,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  }

  /** Subscribes (or re-subscribes) a type: `'*'` for every resource (LDS, CDS), or a list of names. */
  subscribe(typeUrl: string, names: readonly string[] | typeof WILDCARD): void {
    const existing = this.#states.get(typeUrl);
    if (!existing) {
      const state = new SubscriptionState(typeUrl, names);
      this.#states.set(typeUrl, state);
      this.#announce(state);
      return;
    }
    if (existing.setNames(names)) this.#announce(existing);
  }

  start(): void {
    if (this.#closed || this.#stream || this.#timer) return;
    void this.#open();
  }

  get connected(): boolean {
    return this.#connected;
  }

  status(): SubscriptionStatus[] {
    return [...this.#states.values()].map((s) => ({
      typeUrl: s.typeUrl,
      names: s.names,
      ackedVersion: s.ackedVersion,
      nonce: s.nonce,
      lastError: s.lastError,
    }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#generation++;
    this.#stream?.cancel();
    this.#stream = undefined;
    await this.#queue.catch(() => undefined);
    this.#client.close();
  }

  async #open(): Promise<void> {
    this.#timer = undefined;
    const generation = ++this.#generation;
    this.#emit({ kind: 'connecting', attempt: this.#backoff.attempts + 1 });
    const metadata = new grpc.Metadata();
    try {
      const token = await this.options.token?.();
      if (token) metadata.set('authorization', `Bearer ${token}`);
    } catch (e) {
      return this.#disconnected(generation, `token: ${(e as Error).message}`);
    }
    if (this.#closed || generation !== this.#generation) return;
    const stream = this.#client.StreamAggregatedResources(metadata);
    this.#stream = stream;
    this.#announced = new Set();
    stream.on('data', (response: DiscoveryResponse) => {
      this.#connected = true;
      this.#queue = this.#queue.then(() => this.#handle(generation, response));
    });
    stream.on('error', (e: grpc.ServiceError) =>
      this.#disconnected(generation, `${grpc.status[e.code] ?? e.code}: ${e.details || e.message}`),
    );
    stream.on('end', () => this.#disconnected(generation, 'stream ended by the server'));
    for (const state of this.#states.values()) {
      state.streamReset();
      this.#announce(state);
    }
  }

  #announce(state: SubscriptionState): void {
    const stream = this.#stream;
    if (!stream) return;
    const names = state.names;
    // An empty named list is the legacy wildcard: send it only to drop names announced before.
    if (names !== WILDCARD && names.length === 0 && !this.#announced.has(state.typeUrl)) return;
    if (names !== WILDCARD && names.length > 0) this.#announced.add(state.typeUrl);
    stream.write(state.subscribeRequest(this.options.node));
  }

  async #handle(generation: number, response: DiscoveryResponse): Promise<void> {
    if (generation !== this.#generation) return;
    this.#backoff.reset();
    const typeUrl = response.type_url ?? '';
    const nonce = response.nonce ?? '';
    const version = response.version_info ?? '';
    let state = this.#states.get(typeUrl);
    const decoded = decodeResponse(response);
    let result: ApplyResult;
    if (!state) {
      state = new SubscriptionState(typeUrl, []);
      result = { ok: false, message: `not subscribed to ${typeUrl}` };
    } else if (!decoded.ok) {
      result = decoded;
    } else {
      this.#emit({ kind: 'response', typeUrl, version, nonce, resources: decoded.update.resources.length });
      result = await this.#apply(decoded.update);
    }
    if (generation !== this.#generation) {
      // The stream broke while applying; the next stream announces what was applied.
      if (result.ok) state.ack(version, '', this.options.node);
      return;
    }
    const request = result.ok
      ? state.ack(version, nonce, this.options.node)
      : state.nack(nonce, result.message, this.options.node);
    this.#stream?.write(request);
    this.#emit(
      result.ok
        ? { kind: 'ack', typeUrl, version, nonce }
        : { kind: 'nack', typeUrl, version, nonce, message: result.message },
    );
  }

  async #apply(update: XdsUpdate): Promise<ApplyResult> {
    try {
      return await this.options.subscriber.onUpdate(update);
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  }

  #disconnected(generation: number, reason: string): void {
    if (generation !== this.#generation || this.#closed) return;
    this.#generation++;
    this.#connected = false;
    this.#stream?.removeAllListeners();
    this.#stream?.on('error', () => undefined);
    this.#stream?.cancel();
    this.#stream = undefined;
    const retryInMs = this.#backoff.next();
    this.#emit({ kind: 'disconnected', reason, retryInMs });
    this.#timer = setTimeout(() => void this.#open(), retryInMs);
  }

  #emit(event: XdsClientEvent): void {
    this.options.onEvent?.(event);
  }
}

function lookup(root: grpc.GrpcObject, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], root);
}
