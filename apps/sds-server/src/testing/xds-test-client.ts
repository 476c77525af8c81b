// A hand-written xDS client for the conformance tests: raw requests in, raw responses out, so a
// test states exactly what a proxy sends and sees exactly what the server writes.
import * as grpc from '@grpc/grpc-js';
import { encodeMessage, TypeUrl, xdsPackageDefinition } from '#keyway/envoy-api';
import { ResourceStore } from '../resource-store.js';

type Ctor = new (address: string, credentials: grpc.ChannelCredentials, options?: object) => grpc.Client;

function serviceClient(path: string[]): Ctor {
  let node: any = grpc.loadPackageDefinition(xdsPackageDefinition());
  for (const part of path) node = node[part];
  return node as Ctor;
}

export const SdsClient = (): Ctor =>
  serviceClient(['envoy', 'service', 'secret', 'v3', 'SecretDiscoveryService']);
export const AdsClient = (): Ctor =>
  serviceClient(['envoy', 'service', 'discovery', 'v3', 'AggregatedDiscoveryService']);

export class StreamClosedError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`stream closed: ${code} ${details}`);
    this.name = 'StreamClosedError';
  }
}

/** A bidi xDS stream with a queue of received responses and a deadline on every wait. */
export class TestStream<Res = any> {
  readonly #received: Res[] = [];
  #waiter: (() => void) | undefined;
  #status: grpc.StatusObject | undefined;

  constructor(readonly call: grpc.ClientDuplexStream<any, Res>) {
    call.on('data', (r: Res) => {
      this.#received.push(r);
      this.#waiter?.();
    });
    call.on('status', (s: grpc.StatusObject) => {
      this.#status = s;
      this.#waiter?.();
    });
    call.on('error', () => undefined);
  }

  send(request: object): this {
    this.call.write(request);
    return this;
  }

  /** The next response; throws if the stream ends first or nothing comes within the deadline. */
  async next(timeoutMs = 5000): Promise<Res> {
    await this.#until(() => this.#received.length > 0 || this.#status !== undefined, timeoutMs, 'a response');
    const r = this.#received.shift();
    if (r !== undefined) return r;
    throw new StreamClosedError(this.#status!.code, this.#status!.details);
  }

  /** The status the server ended the stream with. */
  async status(timeoutMs = 5000): Promise<grpc.StatusObject> {
    await this.#until(() => this.#status !== undefined, timeoutMs, 'the stream status');
    return this.#status!;
  }

  get pending(): number {
    return this.#received.length;
  }

  async #until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#waiter = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve();
      };
    });
  }

  close(): void {
    this.call.cancel();
  }
}

export function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

/** A node as Envoy sends it, in proto-loader's object form. */
export function envoyNode(namespace: string, pod: string, labels: Record<string, string> = {}): object {
  return {
    id: `router~127.0.0.1~${pod}.${namespace}~${namespace}.svc.cluster.local`,
    cluster: 'istio-ingressgateway',
    metadata: {
      fields: {
        // protobufjs spells the well-known types' fields in camelCase.
        NAMESPACE: { stringValue: namespace },
        LABELS: {
          structValue: {
            fields: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, { stringValue: v }])),
          },
        },
      },
    },
  };
}

/** A store serving one placeholder certificate Secret under `sdsName` in `namespace`. */
export function storeWithSecret(namespace: string, sdsName: string): ResourceStore {
  const store = new ResourceStore();
  const bytes = encodeMessage(TypeUrl.Secret, {
    name: sdsName,
    tls_certificate: { certificate_chain: { inline_string: 'c' } },
  });
  store.putSecret(namespace, [{ name: sdsName, entry: { version: 'v1', bytes } }]);
  return store;
}
