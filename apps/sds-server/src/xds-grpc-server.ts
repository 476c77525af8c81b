import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ADS_SERVICE, SDS_SERVICE, xdsPackageDefinition } from '#keyway/envoy-api';
import {
  ADS_MODE,
  encodeDeltaDiscoveryResponse,
  encodeDiscoveryResponse,
  fetchResources,
  GrpcStatus,
  readNodeIdentity,
  SDS_MODE,
  type DiscoveryRequest,
  type XdsStream,
} from '#keyway/xds-protocol';
import { proxyGroupId } from '#keyway/contracts';
import { identify, type IdentityPolicy } from './identity.js';
import type { ProxyRegistry } from './proxy-registry.js';
import type { ResourceStore, StoreChange } from './resource-store.js';
import {
  mutualTlsCredentials,
  type MutualTlsCredentials,
  type MutualTlsFiles,
} from './server-credentials.js';
import { StreamHub } from './stream-hub.js';
import { XdsConnection, type ConnectionDeps } from './xds-connection.js';
import type { XdsMetrics } from './xds-metrics.js';
import { parseSdsName } from './secret-resource.js';

export interface XdsServerOptions {
  host: string;
  /** Plain gRPC (bootstrap tokens); undefined: off; 0: any free port. */
  plainPort?: number;
  tls?: { port: number; files: MutualTlsFiles };
  policy: IdentityPolicy;
  store: ResourceStore;
  registry: ProxyRegistry;
  metrics: XdsMetrics;
  logger: Logger;
}

const SERVER_OPTIONS: grpc.ServerOptions = {
  // Dead clients are found by keepalive and their streams closed, so no watch outlives them.
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': 4 * 1024 * 1024,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each encoder takes its own response type (SotW or Delta)
type Encoder = (value: any) => Buffer;
const SDS_ENCODERS: Record<string, Encoder> = {
  StreamSecrets: encodeDiscoveryResponse,
  DeltaSecrets: encodeDeltaDiscoveryResponse,
  FetchSecrets: encodeDiscoveryResponse,
};
const ADS_ENCODERS: Record<string, Encoder> = {
  StreamAggregatedResources: encodeDiscoveryResponse,
  DeltaAggregatedResources: encodeDeltaDiscoveryResponse,
};

/**
 * Responses are written with keyway's own encoders (each resource encoded once, reused across
 * streams) instead of proto-loader's generic one; requests are still decoded by proto-loader.
 */
function withEncoders(
  service: grpc.ServiceDefinition,
  encoders: Record<string, Encoder>,
): grpc.ServiceDefinition {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- grpc-js's own ServiceDefinition is typed so
  const out: Record<string, grpc.MethodDefinition<any, any>> = { ...service };
  for (const [method, encode] of Object.entries(encoders))
    out[method] = { ...service[method], responseSerialize: encode };
  return out as grpc.ServiceDefinition;
}

/** SDS and ADS on a grpc-js server: one connection object per stream, one hub for fan-out. */
export class XdsGrpcServer {
  readonly hub = new StreamHub();
  readonly connections = new Map<XdsStream, XdsConnection>();
  readonly #server = new grpc.Server(SERVER_OPTIONS);
  readonly #deps: ConnectionDeps;
  #unsubscribe: (() => void) | undefined;
  ports: { plain?: number; tls?: number } = {};
  #tlsCredentials: MutualTlsCredentials | undefined;

  constructor(private readonly options: XdsServerOptions) {
    this.#deps = { ...options, hub: this.hub, connections: this.connections };
    const definition = xdsPackageDefinition();
    const stream =
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- proto-loader decodes to plain objects XdsConnection validates
      (protocol: 'sotw' | 'delta', mode: typeof ADS_MODE) => (call: grpc.ServerDuplexStream<any, any>) =>
        new XdsConnection(call, protocol, mode, this.#deps).start();
    this.#server.addService(withEncoders(definition[SDS_SERVICE] as grpc.ServiceDefinition, SDS_ENCODERS), {
      StreamSecrets: stream('sotw', SDS_MODE),
      DeltaSecrets: stream('delta', SDS_MODE),
      FetchSecrets: (
        call: grpc.ServerUnaryCall<DiscoveryRequest, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => this.#fetch(call, callback),
    });
    this.#server.addService(withEncoders(definition[ADS_SERVICE] as grpc.ServiceDefinition, ADS_ENCODERS), {
      StreamAggregatedResources: stream('sotw', ADS_MODE),
      DeltaAggregatedResources: stream('delta', ADS_MODE),
    });
  }

  async start(): Promise<{ plain?: number; tls?: number }> {
    const { host, plainPort, tls } = this.options;
    if (plainPort !== undefined)
      this.ports.plain = await this.#bind(`${host}:${plainPort}`, grpc.ServerCredentials.createInsecure());
    if (tls) {
      this.#tlsCredentials = mutualTlsCredentials(tls.files);
      this.ports.tls = await this.#bind(`${host}:${tls.port}`, this.#tlsCredentials);
    }
    this.#unsubscribe = this.options.store.onChange((change) => this.#onChange(change));
    return this.ports;
  }

  /** New mTLS files for the handshakes that follow; throws, changing nothing, if they are unusable. */
  updateTls(files: MutualTlsFiles): void {
    if (!this.#tlsCredentials) throw new Error('the mTLS listener is not running');
    this.#tlsCredentials.update(files);
  }

  #bind(address: string, credentials: grpc.ServerCredentials): Promise<number> {
    return new Promise((resolve, reject) =>
      this.#server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port))),
    );
  }

  /** A bucket update: only the streams in its scope are asked, and each writes independently. */
  #onChange(change: StoreChange): void {
    const reports: (() => void)[] = [];
    for (const delivery of this.hub.publish(change.scope, change.batch)) {
      const connection = this.connections.get(delivery.stream);
      if (connection) reports.push(connection.deliverDeferred(delivery.step, change.at));
    }
    if (reports.length > 0) setImmediate(() => reports.forEach((report) => report()));
  }

  #fetch(call: grpc.ServerUnaryCall<DiscoveryRequest, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    const identity = identify(
      {
        peerCertificate: call.getAuthContext()?.sslPeerCertificate,
        authorization: call.metadata.get('authorization').map((v) => String(v)),
      },
      this.options.policy,
    );
    if (!identity.ok) {
      this.options.metrics.authzFailures.inc({ reason: identity.status.toLowerCase() });
      this.options.logger.warn({ peer: call.getPeer(), reason: identity.reason }, 'xds fetch refused');
      callback({ code: GrpcStatus[identity.status], details: identity.reason });
      return;
    }
    const node = call.request.node;
    const claimed = node ? readNodeIdentity(node) : undefined;
    if (claimed && claimed.namespace !== identity.namespace) {
      this.options.metrics.authzFailures.inc({ reason: 'namespace-mismatch' });
      callback({
        code: GrpcStatus.PERMISSION_DENIED,
        details: `node namespace ${claimed.namespace ?? '(none)'} does not match`,
      });
      return;
    }
    const outcome = fetchResources(call.request, {
      mode: SDS_MODE,
      view: (n) => {
        const id = readNodeIdentity(n);
        return this.options.store.viewFor(id.namespace ?? '', proxyGroupId(id.namespace ?? '', id.labels));
      },
      allowName: (_t, name) => {
        const parsed = parseSdsName(name);
        return !parsed?.namespace || parsed.namespace === identity.namespace;
      },
    });
    for (const e of outcome.events) {
      if (e.kind === 'denied') {
        this.options.metrics.authzFailures.inc({ reason: 'other-namespace' });
        this.options.logger.warn(
          { nodeId: claimed?.id, name: e.name },
          `dropped fetch of ${e.name}: another namespace`,
        );
      }
    }
    if (!outcome.ok) callback({ code: outcome.failure.code, details: outcome.failure.message });
    else callback(null, outcome.response);
  }

  /** Ends every stream and the server; nothing keeps a watch afterwards. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    for (const connection of [...this.connections.values()]) connection.close();
    await new Promise<void>((resolve) => {
      this.#server.tryShutdown(() => resolve());
      // Streams do not end by themselves; cancel them after the graceful attempt has begun.
      setImmediate(() => this.#server.forceShutdown());
    });
  }
}
