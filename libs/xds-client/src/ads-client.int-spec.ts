import * as grpc from '@grpc/grpc-js';
import { TypeUrl } from '#keyway/envoy-api';
import { AdsClient, type ApplyResult, type XdsClientEvent } from './ads-client.js';
import type { XdsUpdate } from './decoded-response.js';
import { buildNode, istioRouterNodeId } from './node-identity.js';
import { adsTarget } from './ads-target.js';
import { AsyncQueue, ScriptedAdsServer, type ScriptedStream } from './testing/scripted-ads-server.js';
import { makeTestCertificates, type TestCertificates } from './testing/test-certificates.js';

const node = buildNode({
  id: istioRouterNodeId('127.0.0.1', 'gw-0', 'istio-system'),
  namespace: 'istio-system',
  labels: { istio: 'ingressgateway', app: 'gw' },
});

const listener = (name: string, port: number) => ({
  name,
  address: { socket_address: { address: '0.0.0.0', port_value: port } },
});

class Recorder {
  readonly updates = new AsyncQueue<XdsUpdate>();
  readonly events = new AsyncQueue<XdsClientEvent>();
  verdict: (u: XdsUpdate) => ApplyResult = () => ({ ok: true });
  readonly subscriber = { onUpdate: (u: XdsUpdate) => (this.updates.push(u), this.verdict(u)) };
  readonly onEvent = (e: XdsClientEvent) => this.events.push(e);

  async event<K extends XdsClientEvent['kind']>(kind: K): Promise<Extract<XdsClientEvent, { kind: K }>> {
    for (;;) {
      const e = await this.events.next(5000, kind);
      if (e.kind === kind) return e as Extract<XdsClientEvent, { kind: K }>;
    }
  }
}

describe('AdsClient', () => {
  let server: ScriptedAdsServer;
  let client: AdsClient | undefined;
  let rec: Recorder;

  const connect = async (extra: Partial<ConstructorParameters<typeof AdsClient>[0]> = {}, port?: number) => {
    client = new AdsClient({
      target: `127.0.0.1:${port ?? serverPort}`,
      transport: { kind: 'insecure' },
      node,
      subscriber: rec.subscriber,
      onEvent: rec.onEvent,
      backoff: { initialMs: 10, maxMs: 50 },
      ...extra,
    });
    client.subscribe(TypeUrl.Listener, '*');
    client.subscribe(TypeUrl.Cluster, '*');
    client.start();
  };
  let serverPort: number;

  beforeEach(async () => {
    server = new ScriptedAdsServer();
    serverPort = await server.start();
    rec = new Recorder();
  });

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await server.stop();
  });

  async function firstRequests(stream: ScriptedStream) {
    const a = await stream.requests.next(5000, 'first request');
    const b = await stream.requests.next(5000, 'second request');
    return new Map([a, b].map((r) => [r.type_url, r]));
  }

  it('sends its node identity, bearer token and wildcard subscriptions', async () => {
    await connect({ token: () => 'secret-token' });
    const stream = await server.streams.next();
    expect(stream.metadata.get('authorization')).toEqual(['Bearer secret-token']);
    const requests = await firstRequests(stream);
    const lds = requests.get(TypeUrl.Listener)!;
    expect(lds).toMatchObject({ version_info: '', resource_names: [], response_nonce: '' });
    expect(lds.node?.id).toBe('router~127.0.0.1~gw-0.istio-system~istio-system.svc.cluster.local');
    const fields = (lds.node?.metadata as any).fields;
    expect(fields.NAMESPACE.stringValue).toBe('istio-system');
    expect(fields.LABELS.structValue.fields.istio.stringValue).toBe('ingressgateway');
    expect(requests.has(TypeUrl.Cluster)).toBe(true);
  });

  it('ACKs an applied response with its version and nonce', async () => {
    await connect();
    const stream = await server.streams.next();
    await firstRequests(stream);
    stream.respond(TypeUrl.Listener, 'v1', 'n1', [listener('0.0.0.0_8443', 8443)]);
    const update = await rec.updates.next();
    expect(update).toMatchObject({ typeUrl: TypeUrl.Listener, version: 'v1', nonce: 'n1' });
    expect(update.resources[0].name).toBe('0.0.0.0_8443');
    expect(update.resources[0].message).toMatchObject({ address: { socket_address: { port_value: 8443 } } });
    const ack = await stream.requests.next();
    expect(ack).toMatchObject({ type_url: TypeUrl.Listener, version_info: 'v1', response_nonce: 'n1' });
    expect(ack.error_detail ?? undefined).toBeUndefined();
  });

  it('NACKs what the subscriber cannot apply, naming the last applied version', async () => {
    await connect();
    const stream = await server.streams.next();
    await firstRequests(stream);
    stream.respond(TypeUrl.Listener, 'v1', 'n1', [listener('good', 8443)]);
    await stream.requests.next();
    rec.verdict = () => ({ ok: false, message: 'Listener/bad: address: port in use' });
    stream.respond(TypeUrl.Listener, 'v2', 'n2', [listener('bad', 1)]);
    const nack = await stream.requests.next();
    expect(nack).toMatchObject({
      type_url: TypeUrl.Listener,
      version_info: 'v1',
      response_nonce: 'n2',
      error_detail: { code: 3, message: 'Listener/bad: address: port in use' },
    });
    expect(await rec.event('nack')).toMatchObject({
      version: 'v2',
      message: 'Listener/bad: address: port in use',
    });
    expect(client!.status().find((s) => s.typeUrl === TypeUrl.Listener)).toMatchObject({
      ackedVersion: 'v1',
      lastError: 'Listener/bad: address: port in use',
    });
  });

  it('NACKs a response it cannot decode without calling the subscriber', async () => {
    await connect();
    const stream = await server.streams.next();
    await firstRequests(stream);
    stream.write({
      version_info: 'v1',
      nonce: 'n1',
      type_url: TypeUrl.Listener,
      resources: [{ type_url: TypeUrl.Cluster, value: Buffer.alloc(0) }],
    });
    const nack = await stream.requests.next();
    expect(nack.error_detail?.message).toMatch(/resources\[0\]: type .*Cluster in a .*Listener response/);
    expect(nack.version_info).toBe('');
    stream.respond(TypeUrl.Listener, 'v2', 'n2', [listener('l', 1)]);
    expect((await rec.updates.next()).version).toBe('v2');
  });

  it('announces named subscriptions with the latest nonce, and drops them with an empty list', async () => {
    await connect();
    const stream = await server.streams.next();
    await firstRequests(stream);
    client!.subscribe(TypeUrl.RouteConfiguration, []);
    client!.subscribe(TypeUrl.RouteConfiguration, ['https.443.https.gw.istio-system', 'http.8080']);
    const sub = await stream.requests.next();
    expect(sub).toMatchObject({
      type_url: TypeUrl.RouteConfiguration,
      resource_names: ['http.8080', 'https.443.https.gw.istio-system'],
      response_nonce: '',
    });
    stream.respond(TypeUrl.RouteConfiguration, 'r1', 'rn1', [{ name: 'http.8080' }]);
    await stream.requests.next();
    client!.subscribe(TypeUrl.RouteConfiguration, ['http.8080']);
    expect(await stream.requests.next()).toMatchObject({
      resource_names: ['http.8080'],
      version_info: 'r1',
      response_nonce: 'rn1',
    });
    client!.subscribe(TypeUrl.RouteConfiguration, []);
    expect(await stream.requests.next()).toMatchObject({ resource_names: [], response_nonce: 'rn1' });
  });

  it('reconnects with back-off after the stream breaks, announcing what it has applied', async () => {
    await connect();
    const first = await server.streams.next();
    await firstRequests(first);
    first.respond(TypeUrl.Listener, 'v7', 'n1', [listener('l', 1)]);
    await first.requests.next();
    first.fail(grpc.status.UNAVAILABLE, 'control plane restarting');
    const gone = await rec.event('disconnected');
    expect(gone.reason).toMatch(/UNAVAILABLE: control plane restarting/);
    expect(gone.retryInMs).toBeGreaterThan(0);
    const second = await server.streams.next();
    const again = await firstRequests(second);
    expect(again.get(TypeUrl.Listener)).toMatchObject({ version_info: 'v7', response_nonce: '' });
    expect(again.get(TypeUrl.Cluster)).toMatchObject({ version_info: '', response_nonce: '' });
  });

  it('with several servers, reconnects to another at once when the one in use goes away', async () => {
    const other = new ScriptedAdsServer();
    const otherPort = await other.start();
    try {
      await connect({
        target: adsTarget(`127.0.0.1:${serverPort},127.0.0.1:${otherPort}`),
        backoff: { initialMs: 100, maxMs: 2000 },
      });
      const first = await server.streams.next();
      await firstRequests(first);
      const since = performance.now();
      await server.stop();
      const second = await other.streams.next(5000, 'a stream on the other server');
      await firstRequests(second);
      expect(performance.now() - since).toBeLessThan(1000);
    } finally {
      await other.stop();
    }
  });

  it('keeps retrying while the server is down', async () => {
    await server.stop();
    await connect();
    await rec.event('disconnected');
    await rec.event('disconnected');
    expect(client!.connected).toBe(false);
  });

  describe('over mTLS', () => {
    let certs: TestCertificates;
    let tlsServer: ScriptedAdsServer;
    let port: number;

    beforeAll(async () => {
      certs = await makeTestCertificates();
    });
    afterAll(() => certs.cleanup());
    beforeEach(async () => {
      tlsServer = new ScriptedAdsServer();
      const creds = grpc.ServerCredentials.createSsl(
        Buffer.from(certs.ca),
        [
          {
            cert_chain: Buffer.from(certs.server.certificateChain),
            private_key: Buffer.from(certs.server.privateKey.reveal()),
          },
        ],
        true,
      );
      port = await tlsServer.start(creds);
    });
    afterEach(async () => {
      await client?.close();
      client = undefined;
      await tlsServer.stop();
    });

    it('presents its client certificate', async () => {
      await connect(
        {
          transport: {
            kind: 'tls',
            ca: certs.ca,
            certificateChain: certs.client.certificateChain,
            privateKey: certs.client.privateKey,
            serverName: 'xds.test',
          },
        },
        port,
      );
      const stream = await tlsServer.streams.next();
      expect(stream.peerCertificate()).toBe(true);
      expect((await stream.requests.next()).node?.id).toContain('router~');
    });

    it('cannot connect without one', async () => {
      await connect({ transport: { kind: 'tls', ca: certs.ca, serverName: 'xds.test' } }, port);
      expect((await rec.event('disconnected')).reason).toMatch(/UNAVAILABLE/);
    });
  });
});
