import * as grpc from '@grpc/grpc-js';
import { ADS_SERVICE, encodeMessage, xdsPackageDefinition } from '#keyway/envoy-api';
import type { DiscoveryRequest, DiscoveryResponse } from '#keyway/xds-client';

export interface ReceivedVerdict {
  typeUrl: string;
  /** The version the response carried. */
  version: string;
  nonce: string;
  /** error_detail.message of a NACK. */
  error?: string;
}

interface Subscription {
  names: string[] | '*';
  sentVersion?: string;
}

interface StreamState {
  call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>;
  subs: Map<string, Subscription>;
  /** nonce -> version sent with it */
  nonces: Map<string, { typeUrl: string; version: string }>;
}

/**
 * A small state-of-the-world ADS server for tests: it holds a snapshot per type, answers every
 * subscription with the subscribed resources, pushes changes to open streams, and records each
 * ACK and NACK. It checks a bearer token when given one.
 */
export class SnapshotAdsServer {
  readonly verdicts: ReceivedVerdict[] = [];
  /** The node of each stream's first request. */
  readonly nodes: Array<DiscoveryRequest['node']> = [];
  readonly #server = new grpc.Server();
  readonly #snapshot = new Map<string, { version: string; resources: Map<string, Buffer> }>();
  readonly #streams = new Set<StreamState>();
  #nonce = 0;
  streamsOpened = 0;

  constructor(private readonly token?: string) {}

  async start(): Promise<number> {
    const pkg = grpc.loadPackageDefinition(xdsPackageDefinition());
    const service = (
      ADS_SERVICE.split('.').reduce<any>((n, p) => n[p], pkg) as { service: grpc.ServiceDefinition }
    ).service;
    this.#server.addService(service, {
      StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>) =>
        this.#onStream(call),
      DeltaAggregatedResources: (call: grpc.ServerDuplexStream<unknown, unknown>) =>
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'SotW only' }),
    });
    return new Promise((resolve, reject) =>
      this.#server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) =>
        e ? reject(e) : resolve(port),
      ),
    );
  }

  /** Replaces the resources of a type (a new version) and pushes them to subscribed streams. */
  set(typeUrl: string, version: string, resources: Array<Record<string, unknown>>): void {
    const map = new Map<string, Buffer>();
    for (const r of resources) map.set(String(r.name ?? r.cluster_name), encodeMessage(typeUrl, r));
    this.#snapshot.set(typeUrl, { version, resources: map });
    for (const s of this.#streams) if (s.subs.has(typeUrl)) this.#send(s, typeUrl);
  }

  /** Breaks every open stream, as a control plane restart does. */
  breakStreams(): void {
    for (const s of this.#streams)
      s.call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'control plane restarting' });
    this.#streams.clear();
  }

  async stop(): Promise<void> {
    for (const s of this.#streams) s.call.end();
    this.#streams.clear();
    await new Promise<void>((resolve) => this.#server.tryShutdown(() => resolve()));
  }

  #onStream(call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>): void {
    if (this.token && call.metadata.get('authorization')[0] !== `Bearer ${this.token}`) {
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'bearer token: not recognized' });
      return;
    }
    this.streamsOpened++;
    const state: StreamState = { call, subs: new Map(), nonces: new Map() };
    this.#streams.add(state);
    call.on('data', (req: DiscoveryRequest) => this.#onRequest(state, req));
    call.on('error', () => this.#streams.delete(state));
    call.on('end', () => this.#streams.delete(state));
  }

  #onRequest(state: StreamState, req: DiscoveryRequest): void {
    const typeUrl = req.type_url;
    if (state.subs.size === 0 && !state.nonces.size) this.nodes.push(req.node);
    if (req.response_nonce) {
      const sent = state.nonces.get(req.response_nonce);
      if (sent)
        this.verdicts.push({
          typeUrl,
          version: sent.version,
          nonce: req.response_nonce,
          ...(req.error_detail?.message ? { error: req.error_detail.message } : {}),
        });
    }
    const previous = state.subs.get(typeUrl);
    // An empty list is the wildcard when it opens a subscription, or keeps one that is a wildcard.
    const wildcard = req.resource_names.length === 0 && (!previous || previous.names === '*');
    const names: Subscription['names'] = wildcard ? '*' : [...req.resource_names].sort();
    const changed = !previous || JSON.stringify(previous.names) !== JSON.stringify(names);
    const sub = previous ?? { names };
    sub.names = names;
    state.subs.set(typeUrl, sub);
    const current = this.#snapshot.get(typeUrl);
    if (!current) return;
    // Answer a new subscription, or a client that announces an older version than the current one.
    if (changed || (sub.sentVersion === undefined && req.version_info !== current.version))
      this.#send(state, typeUrl);
  }

  #send(state: StreamState, typeUrl: string): void {
    const sub = state.subs.get(typeUrl)!;
    const snap = this.#snapshot.get(typeUrl)!;
    const picked = [...snap.resources].filter(([name]) => sub.names === '*' || sub.names.includes(name));
    const nonce = String(++this.#nonce);
    state.nonces.set(nonce, { typeUrl, version: snap.version });
    sub.sentVersion = snap.version;
    state.call.write({
      version_info: snap.version,
      nonce,
      type_url: typeUrl,
      resources: picked.map(([, value]) => ({ type_url: typeUrl, value })),
    });
  }
}
