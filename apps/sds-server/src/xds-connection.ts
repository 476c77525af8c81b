import { performance } from 'node:perf_hooks';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { proxyGroupId } from '#keyway/contracts';
import { TypeUrl } from '#keyway/envoy-api';
import { clientNames, clientText } from '#keyway/observability';
import {
  DeltaStream,
  GrpcStatus,
  readNodeIdentity,
  SotwStream,
  type StreamEvent,
  type StreamMode,
  type StreamStep,
  type XdsNode,
  type XdsStream,
} from '#keyway/xds-protocol';
import { identify, type IdentityPolicy, type ProxyIdentity } from './identity.js';
import type { ProxyRegistry } from './proxy-registry.js';
import { groupScope, namespaceScope, type ResourceStore } from './resource-store.js';
import { parseSdsName } from './secret-resource.js';
import type { StreamHub } from './stream-hub.js';
import { typeLabel, type XdsMetrics } from './xds-metrics.js';

export interface ConnectionDeps {
  store: ResourceStore;
  hub: StreamHub;
  registry: ProxyRegistry;
  metrics: XdsMetrics;
  logger: Logger;
  policy: IdentityPolicy;
  /** Live connections by their protocol stream, so the server can reach them on a store change. */
  connections: Map<XdsStream, XdsConnection>;
}

/** Unflushed responses a stream may hold before its fan-out pauses. */
const MAX_IN_FLIGHT = 1;

type Call = grpc.ServerDuplexStream<Record<string, unknown>, unknown>;

/**
 * One gRPC stream: authorizes it, feeds requests to the protocol state machine, writes what it
 * returns with backpressure, and reports events as logs, metrics and proxy status.
 */
export class XdsConnection {
  readonly stream: SotwStream | DeltaStream;
  #identity: ProxyIdentity | undefined;
  #nodeId = '';
  /** The registry's key for this proxy: authenticated namespace and node id. */
  #proxyKey = '';
  /** The service logger with this proxy's node id bound once (pino serializes bindings once). */
  #log: Logger | undefined;
  #registered = false;
  #closed = false;
  #inFlight = 0;
  #paused = false;

  constructor(
    private readonly call: Call,
    readonly protocol: 'sotw' | 'delta',
    mode: StreamMode,
    private readonly deps: ConnectionDeps,
  ) {
    const options = {
      mode,
      view: (node: XdsNode) => {
        const id = readNodeIdentity(node);
        return deps.store.viewFor(id.namespace ?? '', proxyGroupId(id.namespace ?? '', id.labels));
      },
      allowName: (typeUrl: string, name: string) => this.#allowName(typeUrl, name),
    };
    this.stream = protocol === 'sotw' ? new SotwStream(options) : new DeltaStream(options);
  }

  get nodeId(): string {
    return this.#nodeId;
  }

  start(): void {
    const auth = this.call.getAuthContext();
    this.#identity = identify(
      {
        peerCertificate: auth?.sslPeerCertificate,
        authorization: this.call.metadata.get('authorization').map((v) => String(v)),
      },
      this.deps.policy,
    );
    if (!this.#identity.ok) {
      this.deps.metrics.authzFailures.inc({ reason: this.#identity.status.toLowerCase() });
      this.deps.logger.warn(
        { peer: this.call.getPeer(), reason: this.#identity.reason },
        'xds stream refused',
      );
      this.#fail(this.#identity.status, this.#identity.reason);
      return;
    }
    this.deps.connections.set(this.stream, this);
    this.call.on('data', (request: Record<string, unknown>) => this.#onRequest(request));
    this.call.on('end', () => {
      this.call.end();
      this.close();
    });
    this.call.on('error', () => this.close());
    this.call.on('close', () => this.close());
    this.call.on('cancelled', () => this.close());
  }

  #onRequest(request: Record<string, unknown>): void {
    if (this.#closed) return;
    const identity = this.#identity;
    if (!identity?.ok) return;
    if (!this.stream.node) {
      const node = request.node as XdsNode | null | undefined;
      if (node && typeof node.id === 'string' && node.id) {
        const claimed = readNodeIdentity(node).namespace;
        if (claimed !== identity.namespace) {
          const reason = `node ${node.id}: namespace ${claimed ?? '(none)'} does not match the identity's namespace ${identity.namespace}`;
          this.deps.metrics.authzFailures.inc({ reason: 'namespace-mismatch' });
          this.deps.logger.warn({ nodeId: clientText(node.id, 256), peer: this.call.getPeer() }, reason);
          this.#fail('PERMISSION_DENIED', reason);
          return;
        }
      }
    }
    const step = (this.stream.onRequest as (r: Record<string, unknown>) => StreamStep<unknown>)(request);
    if (!this.#registered && this.stream.node && !this.#closed) this.#register(this.stream.node);
    this.deliver(step);
  }

  #register(node: XdsNode): void {
    const id = readNodeIdentity(node);
    const namespace = id.namespace ?? '';
    const groupId = proxyGroupId(namespace, id.labels);
    this.#nodeId = id.id;
    this.#log = this.deps.logger.child({ nodeId: id.id });
    this.#registered = true;
    // Group first: on resume its types (CDS..RDS) come before SDS, as in push order.
    this.deps.hub.add(this.stream, [groupScope(groupId), namespaceScope(namespace)]);
    this.#proxyKey = this.deps.registry.connected({ nodeId: id.id, namespace, labels: id.labels, groupId });
    this.deps.metrics.connectedStreams.inc({ protocol: this.protocol });
    this.deps.metrics.connectedProxies.set(this.deps.registry.size);
    this.deps.logger.info({ nodeId: id.id, namespace, groupId, protocol: this.protocol }, 'proxy connected');
  }

  /** Each pushed secret's own version (the credential's content hash prefix), for proxy-config. */
  #secretVersions(names: readonly string[]): Record<string, string> {
    const namespace = this.#identity?.ok ? this.#identity.namespace : '';
    const out: Record<string, string> = {};
    for (const name of names) {
      const entry = this.deps.store.get(namespaceScope(namespace), TypeUrl.Secret, name);
      if (entry) out[name] = entry.version;
    }
    return out;
  }

  #allowName(typeUrl: string, name: string): boolean {
    if (typeUrl !== TypeUrl.Secret || !this.#identity?.ok) return true;
    const parsed = parseSdsName(name);
    return !parsed?.namespace || parsed.namespace === this.#identity.namespace;
  }

  /** Writes a step; `at` is when the change that caused it reached the server. */
  deliver(step: StreamStep<unknown>, at?: number): void {
    if (this.#closed) return;
    for (const event of step.events) this.#report(event);
    this.#write(step, at);
  }

  /**
   * Writes now and reports later: the fan-out writes to every stream first, then logs and
   * records, so one proxy's log line never delays another proxy's push.
   */
  deliverDeferred(step: StreamStep<unknown>, at: number): () => void {
    if (this.#closed) return () => undefined;
    this.#write(step, at);
    return () => {
      for (const event of step.events) this.#report(event);
    };
  }

  #write(step: StreamStep<unknown>, at?: number): void {
    for (const response of step.responses) {
      this.#inFlight += 1;
      this.call.write(response, () => this.#written());
      if (at !== undefined) {
        const type = typeLabel(String((response as { type_url: string }).type_url));
        this.deps.metrics.pushLatency.observe({ type }, (performance.now() - at) / 1000);
      }
    }
    if (this.#inFlight > MAX_IN_FLIGHT) this.#backpressure();
    if (step.failure) this.#fail(step.failure.status, step.failure.message);
  }

  /**
   * The client is not reading (its HTTP/2 window is full, so writes stay unflushed): stop
   * computing pushes for it; the fan-out keeps only which names changed. Waiting on the write
   * callbacks rather than on 'drain' matters: an object-mode stream would first buffer sixteen
   * whole messages before asking for a drain.
   */
  #backpressure(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.deps.hub.pause(this.stream);
  }

  #written(): void {
    this.#inFlight -= 1;
    if (!this.#paused || this.#inFlight > 0 || this.#closed) return;
    this.#paused = false;
    this.deliver(this.deps.hub.resume(this.stream), performance.now());
  }

  #report(event: StreamEvent): void {
    const { metrics, registry } = this.deps;
    const logger = this.#log ?? this.deps.logger.child({ nodeId: this.#nodeId });
    const nodeId = this.#nodeId;
    const proxyKey = this.#proxyKey;
    switch (event.kind) {
      case 'push':
        metrics.pushes.inc({ type: typeLabel(event.typeUrl) });
        registry.sent(
          proxyKey,
          event.typeUrl,
          event.version,
          event.typeUrl === TypeUrl.Secret ? this.#secretVersions(event.names) : undefined,
        );
        if (event.typeUrl === TypeUrl.Secret) {
          for (const name of event.names)
            logger.info({ version: event.version }, `pushed ${name} to ${nodeId}`);
        } else {
          logger.debug(
            { type: typeLabel(event.typeUrl), version: event.version, names: clientNames(event.names) },
            'pushed',
          );
        }
        break;
      case 'ack':
        registry.acked(proxyKey, event.typeUrl, event.version);
        break;
      case 'nack':
        metrics.nacks.inc({ type: typeLabel(event.typeUrl) });
        {
          // The proxy wrote this message: cut it before it is stored, redacted or logged.
          const message = clientText(event.message);
          registry.nacked(proxyKey, {
            typeUrl: event.typeUrl,
            version: clientText(event.rejectedVersion, 128),
            nonce: clientText(event.nonce, 128),
            message,
          });
          logger.warn(
            {
              type: typeLabel(event.typeUrl),
              version: clientText(event.rejectedVersion, 128),
              error: message,
            },
            `NACK from ${clientText(nodeId, 256)}`,
          );
        }
        break;
      case 'denied':
        metrics.deniedNames.inc({ type: typeLabel(event.typeUrl) });
        metrics.authzFailures.inc({ reason: 'other-namespace' });
        logger.warn(
          { name: clientText(event.name, 256) },
          `dropped request for ${clientText(event.name, 256)} from ${clientText(nodeId, 256)}: another namespace`,
        );
        break;
      case 'oversize':
        logger.error(
          { type: typeLabel(event.typeUrl), bytes: event.bytes, limit: event.limit },
          'response too large',
        );
        break;
      case 'unsupported-type':
        logger.info({ typeUrl: event.typeUrl }, 'request for a type not served');
        break;
      case 'stale-nonce':
        logger.debug({ type: typeLabel(event.typeUrl), nonce: event.nonce }, 'stale nonce');
        break;
    }
  }

  #fail(status: keyof typeof GrpcStatus, message: string): void {
    if (this.#closed) return;
    this.call.emit('error', { code: GrpcStatus[status], details: message });
    this.close();
  }

  /** Leaves nothing behind: out of the hub, the registry and the connection set. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stream.close();
    this.deps.hub.remove(this.stream);
    this.deps.connections.delete(this.stream);
    if (this.#registered) {
      this.deps.registry.disconnected(this.#proxyKey);
      this.deps.metrics.connectedStreams.dec({ protocol: this.protocol });
      this.deps.metrics.connectedProxies.set(this.deps.registry.size);
      this.deps.logger.info({ nodeId: this.#nodeId, protocol: this.protocol }, 'proxy disconnected');
    }
  }
}
