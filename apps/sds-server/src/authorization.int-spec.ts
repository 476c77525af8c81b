// Authorization over real gRPC and TLS: who may open a stream, and what it may see.
import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { createLogger } from '#keyway/observability';
import { ProxyRegistry } from './proxy-registry.js';
import { OpensslTestCa, type IssuedPair } from '#keyway/testing';
import { XdsGrpcServer } from './xds-grpc-server.js';
import { createXdsMetrics } from './xds-metrics.js';
import { bearer, envoyNode, SdsClient, TestStream, storeWithSecret } from './testing/xds-test-client.js';

// Real servers, TLS and proto loading on a shared machine: generous per-test time.
jest.setTimeout(30_000);

const NS = 'istio-system';
const CRED = 'kubernetes://httpbin-credential';
const spiffe = (ns: string, domain = 'cluster.local') =>
  `URI:spiffe://${domain}/ns/${ns}/sa/istio-ingressgateway`;

describe('sds-server authorization', () => {
  let ca: OpensslTestCa;
  let otherCa: OpensslTestCa;
  let server: XdsGrpcServer;
  let metrics: Registry;
  let lines: string[];
  let tlsPort: number;
  let plainPort: number;
  const certs: Record<string, IssuedPair> = {};
  const clients: grpc.Client[] = [];
  const streams: TestStream[] = [];

  beforeAll(async () => {
    ca = new OpensslTestCa('keyway-test-ca');
    otherCa = new OpensslTestCa('stranger-ca');
    const serverPair = ca.issue({ cn: 'sds-server', san: 'IP:127.0.0.1', usage: 'serverAuth' });
    certs.good = ca.issue({ cn: 'gw', san: spiffe(NS), usage: 'clientAuth' });
    certs.otherNamespace = ca.issue({ cn: 'gw', san: spiffe('team-b'), usage: 'clientAuth' });
    certs.wrongDomain = ca.issue({ cn: 'gw', san: spiffe(NS, 'evil.example'), usage: 'clientAuth' });
    certs.noSpiffe = ca.issue({ cn: 'gw', san: 'DNS:gw.example', usage: 'clientAuth' });
    certs.expired = ca.issue({
      cn: 'gw',
      san: spiffe(NS),
      usage: 'clientAuth',
      notBefore: '20200101000000Z',
      notAfter: '20200102000000Z',
    });
    const revoked = ca.issue({ cn: 'gw', san: spiffe(NS), usage: 'clientAuth' });
    certs.revoked = revoked;
    ca.revoke(revoked.file);
    certs.stranger = otherCa.issue({ cn: 'gw', san: spiffe(NS), usage: 'clientAuth' });

    const store = storeWithSecret(NS, CRED);
    metrics = new Registry();
    lines = [];
    server = new XdsGrpcServer({
      host: '127.0.0.1',
      plainPort: 0,
      tls: {
        port: 0,
        files: { cert: serverPair.cert, key: serverPair.key, clientCa: ca.cert, crl: ca.crl() },
      },
      policy: { trustDomain: 'cluster.local', bootstrapTokens: new Map([['tok-istio', NS]]) },
      store,
      registry: new ProxyRegistry('r'),
      metrics: createXdsMetrics(metrics),
      logger: createLogger({
        service: 'sds-server',
        destination: new Writable({
          write(chunk, _e, cb) {
            lines.push(String(chunk));
            cb();
          },
        }),
      }),
    });
    const ports = await server.start();
    tlsPort = ports.tls!;
    plainPort = ports.plain!;
  });

  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await server?.stop();
    ca?.remove();
    otherCa?.remove();
  });

  function stream(options: { cert?: keyof typeof certs; token?: string; plain?: boolean }): TestStream {
    const creds = options.plain
      ? grpc.credentials.createInsecure()
      : grpc.credentials.createSsl(
          ca.cert,
          options.cert ? certs[options.cert].key : null,
          options.cert ? certs[options.cert].cert : null,
        );
    const client = new (SdsClient())(`127.0.0.1:${options.plain ? plainPort : tlsPort}`, creds);
    clients.push(client);
    const s = new TestStream(
      (client as any).StreamSecrets(options.token ? bearer(options.token) : new grpc.Metadata()),
    );
    streams.push(s);
    return s;
  }

  it.each([
    { label: 'a client certificate from keyway CA with a SPIFFE id', cert: 'good' as const },
    { label: 'a bootstrap token over TLS without a certificate', token: 'tok-istio' },
    { label: 'a bootstrap token over plain gRPC', token: 'tok-istio', plain: true },
  ])('serves $label', async (options) => {
    const s = stream(options).send({ node: envoyNode(NS, 'gw-ok'), resource_names: [CRED] });
    const r = await s.next();
    expect(r.resources).toHaveLength(1);
  });

  it.each([
    { label: 'no identity at all', options: {}, code: grpc.status.UNAUTHENTICATED },
    { label: 'no identity on plain gRPC', options: { plain: true }, code: grpc.status.UNAUTHENTICATED },
    { label: 'an unknown token', options: { plain: true, token: 'nope' }, code: grpc.status.UNAUTHENTICATED },
    {
      label: 'a certificate from another CA',
      options: { cert: 'stranger' as const },
      code: grpc.status.UNAUTHENTICATED,
    },
    {
      label: 'an expired certificate',
      options: { cert: 'expired' as const },
      code: grpc.status.UNAUTHENTICATED,
    },
    {
      label: 'a revoked certificate',
      options: { cert: 'revoked' as const },
      code: grpc.status.UNAUTHENTICATED,
    },
    {
      label: 'another trust domain',
      options: { cert: 'wrongDomain' as const },
      code: grpc.status.PERMISSION_DENIED,
    },
    { label: 'no SPIFFE id', options: { cert: 'noSpiffe' as const }, code: grpc.status.PERMISSION_DENIED },
    {
      label: "a node in a namespace other than the identity's",
      options: { cert: 'otherNamespace' as const },
      code: grpc.status.PERMISSION_DENIED,
    },
  ])('refuses $label, sends nothing and logs it', async ({ options, code }) => {
    const before = lines.length;
    const s = stream(options).send({ node: envoyNode(NS, 'gw-bad'), resource_names: [CRED] });
    const status = await s.status(5000);
    expect(status.code).toBe(code);
    expect(s.pending).toBe(0);
    expect(lines.slice(before).some((l) => /xds stream refused|does not match/.test(l))).toBe(true);
  });

  it('counts refusals', async () => {
    const text = await metrics.metrics();
    expect(text).toMatch(/keyway_xds_authz_failures_total\{reason="unauthenticated"\} [1-9]/);
    expect(text).toMatch(/keyway_xds_authz_failures_total\{reason="namespace-mismatch"\} [1-9]/);
  });
});
