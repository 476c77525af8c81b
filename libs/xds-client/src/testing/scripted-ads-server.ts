import * as grpc from '@grpc/grpc-js';
import { ADS_SERVICE, encodeMessage, xdsPackageDefinition } from '#keyway/envoy-api';
import type { DiscoveryRequest, DiscoveryResponse } from '../wire.js';

/** A queue a test awaits with a deadline instead of sleeping. */
export class AsyncQueue<T> {
  readonly #items: T[] = [];
  readonly #waiters: Array<(item: T) => void> = [];

  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(item);
    else this.#items.push(item);
  }

  next(timeoutMs = 5000, what = 'item'): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const waiter = (v: T) => {
        clearTimeout(timer);
        resolve(v);
      };
      this.#waiters.push(waiter);
    });
  }
}

export interface ScriptedStream {
  metadata: grpc.Metadata;
  requests: AsyncQueue<DiscoveryRequest>;
  respond(typeUrl: string, version: string, nonce: string, resources: Array<Record<string, unknown>>): void;
  /** Raw response, for malformed resources. */
  write(response: DiscoveryResponse): void;
  fail(code: grpc.status, details: string): void;
  peerCertificate(): boolean;
}

/**
 * A hand-written ADS server for tests: every stream is handed to the test, which reads requests
 * and writes responses itself, so each protocol step is explicit.
 */
export class ScriptedAdsServer {
  readonly streams = new AsyncQueue<ScriptedStream>();
  readonly #server = new grpc.Server();
  readonly #calls = new Set<grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>>();

  async start(credentials = grpc.ServerCredentials.createInsecure()): Promise<number> {
    const pkg = grpc.loadPackageDefinition(xdsPackageDefinition());
    const service = ADS_SERVICE.split('.').reduce<any>((n, p) => n[p], pkg).service as grpc.ServiceDefinition;
    this.#server.addService(service, {
      StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>) => {
        this.#calls.add(call);
        const requests = new AsyncQueue<DiscoveryRequest>();
        call.on('data', (r: DiscoveryRequest) => requests.push(r));
        call.on('error', () => undefined);
        call.on('end', () => this.#calls.delete(call));
        call.on('cancelled', () => this.#calls.delete(call));
        this.streams.push({
          metadata: call.metadata,
          requests,
          respond: (typeUrl, version, nonce, resources) =>
            call.write({
              version_info: version,
              nonce,
              type_url: typeUrl,
              resources: resources.map((r) => ({ type_url: typeUrl, value: encodeMessage(typeUrl, r) })),
            }),
          write: (response) => call.write(response),
          fail: (code, details) => call.emit('error', Object.assign(new Error(details), { code, details })),
          peerCertificate: () => Boolean((call as any).getAuthContext?.()?.sslPeerCertificate),
        });
      },
      DeltaAggregatedResources: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.end(),
    });
    return new Promise((resolve, reject) =>
      this.#server.bindAsync('127.0.0.1:0', credentials, (err, port) => (err ? reject(err) : resolve(port))),
    );
  }

  async stop(): Promise<void> {
    for (const call of this.#calls) call.end();
    await new Promise<void>((resolve) => this.#server.tryShutdown(() => resolve()));
    this.#server.forceShutdown();
  }
}
