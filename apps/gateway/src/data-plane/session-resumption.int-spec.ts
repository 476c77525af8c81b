import https from 'node:https';
import { Gateway } from '../gateway.js';
import * as R from '../testing/envoy-resources.js';
import { testGateway } from '../testing/gateway-harness.js';
import { TestPki, type IssuedCertificate, type TestAuthority } from '../testing/openssl-pki.js';
import { tlsHandshake } from '../testing/tls-handshake.js';
import { UpstreamServer } from '../testing/upstream-server.js';
import { newTicketKeys, rotateTicketKeys, type SessionTicketKeys } from './session-tickets.js';

const { TypeUrl } = R;
const CLUSTER = 'outbound|8000||httpbin.default.svc.cluster.local';
const ROUTES = 'https.443.https.mygateway.istio-system';
const HTTPBIN = 'kubernetes://httpbin-credential';
const HELLO = 'kubernetes://helloworld-credential';
const MTLS = 'kubernetes://mtls-credential';

describe('TLS session resumption', () => {
  let pki: TestPki;
  let ca: TestAuthority;
  let httpbin: IssuedCertificate;
  let httpbin2: IssuedCertificate;
  let hello: IssuedCertificate;
  let client: IssuedCertificate;
  let gateway: Gateway;
  let port: number;
  let keys: SessionTicketKeys;
  const upstream = new UpstreamServer('httpbin');
  const handshake = (servername: string, session?: Buffer) =>
    tlsHandshake({ port, servername, ca: ca.certificate, session });
  const secrets = (version: string, httpbinCert: IssuedCertificate) =>
    R.update(TypeUrl.Secret, version, [
      R.tlsCertificateSecret(HTTPBIN, httpbinCert.certificateChain, httpbinCert.privateKey.reveal()),
      R.tlsCertificateSecret(HELLO, hello.certificateChain, hello.privateKey.reveal()),
      R.tlsCertificateSecret(MTLS, hello.certificateChain, hello.privateKey.reveal()),
      R.validationSecret(`${MTLS}-cacert`, ca.certificate),
    ]);

  beforeAll(async () => {
    pki = await TestPki.create();
    ca = await pki.authority('example-ca');
    httpbin = await pki.issue(ca, 'httpbin-v1', { sans: ['DNS:httpbin.example.com'], usage: 'server' });
    httpbin2 = await pki.issue(ca, 'httpbin-v2', { sans: ['DNS:httpbin.example.com'], usage: 'server' });
    hello = await pki.issue(ca, 'helloworld', {
      sans: ['DNS:helloworld.example.com', 'DNS:mtls.example.com'],
      usage: 'server',
    });
    client = await pki.issue(ca, 'client', {
      sans: ['URI:spiffe://example.com/ns/default/sa/client'],
      usage: 'client',
    });
    await upstream.start();
    gateway = testGateway().gateway;
    keys = newTicketKeys(3600);
    gateway.setTicketKeys(keys);
    const chain = (serverNames: string[], secret: string) =>
      R.tlsChain({ serverNames, secret, mode: 'SIMPLE', routeName: ROUTES });
    for (const u of [
      R.update(TypeUrl.Cluster, 'c1', [R.staticCluster(CLUSTER, [['127.0.0.1', upstream.port]])]),
      R.update(TypeUrl.Listener, 'l1', [
        R.listener('0.0.0.0_8443', 443, [
          chain(['httpbin.example.com'], HTTPBIN),
          chain(['helloworld.example.com'], HELLO),
          R.tlsChain({ serverNames: ['mtls.example.com'], secret: MTLS, mode: 'MUTUAL', routeName: ROUTES }),
        ]),
      ]),
      R.update(TypeUrl.RouteConfiguration, 'r1', [
        R.routeConfiguration(ROUTES, [R.virtualHost('all', ['*'], [R.routeTo('/', CLUSTER)])]),
      ]),
      secrets('s1', httpbin),
    ])
      expect(await gateway.onUpdate(u)).toEqual({ ok: true });
    port = gateway.listeners.boundPort('0.0.0.0_8443')!;
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
    await pki.cleanup();
  });

  it('resumes a returning client from its ticket, without a certificate or key exchange', async () => {
    const first = await handshake('httpbin.example.com');
    expect(first).toMatchObject({ cn: 'httpbin-v1', reused: false });
    expect(await handshake('httpbin.example.com', first.session)).toMatchObject({ reused: true });
  });

  it('accepts tickets of the previous key after a rotation, not of the one before it', async () => {
    const first = await handshake('httpbin.example.com');
    keys = rotateTicketKeys(keys);
    gateway.setTicketKeys(keys);
    expect(await handshake('httpbin.example.com', first.session)).toMatchObject({ reused: true });
    keys = rotateTicketKeys(keys);
    gateway.setTicketKeys(keys);
    expect(await handshake('httpbin.example.com', first.session)).toEqual({
      cn: 'httpbin-v1',
      reused: false,
    });
    // A ticket sealed with the new key resumes as before.
    const fresh = await handshake('httpbin.example.com');
    expect(await handshake('httpbin.example.com', fresh.session)).toMatchObject({ reused: true });
  });

  it('does not resume a session on a chain other than the one that made it', async () => {
    const first = await handshake('httpbin.example.com');
    expect(await handshake('helloworld.example.com', first.session)).toEqual({
      cn: 'helloworld',
      reused: false,
    });
  });

  it('resumes a client-certificate session with its verified certificate, and serves it', async () => {
    // An https.Agent keeps the session of each connection and offers it on the next one.
    const agent = new https.Agent({
      keepAlive: false,
      ca: ca.certificate,
      cert: client.certificateChain,
      key: client.privateKey.reveal(),
    });
    const get = () =>
      new Promise<{ status: number; reused: boolean; forwarded: string }>((resolve, reject) =>
        https
          .get(
            {
              host: '127.0.0.1',
              port,
              servername: 'mtls.example.com',
              path: '/headers',
              headers: { host: 'mtls.example.com' },
              agent,
            },
            (res) => {
              let body = '';
              res.on('data', (c) => (body += c));
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  reused: (res.socket as import('node:tls').TLSSocket).isSessionReused(),
                  forwarded: String(JSON.parse(body).headers['x-forwarded-client-cert'] ?? ''),
                }),
              );
            },
          )
          .on('error', reject),
      );
    try {
      const first = await get();
      expect(first).toMatchObject({ status: 200, reused: false });
      const again = await get();
      expect(again).toMatchObject({ status: 200, reused: true });
      // The resumed session still carries the client certificate the full handshake verified.
      expect(again.forwarded).toBe(first.forwarded);
      expect(again.forwarded).toMatch(/URI=spiffe:\/\/example.com\/ns\/default\/sa\/client/);
    } finally {
      agent.destroy();
    }
  });

  it('does not resume a session made under a certificate that has since rotated', async () => {
    const first = await handshake('httpbin.example.com');
    expect(await gateway.onUpdate(secrets('s2', httpbin2))).toEqual({ ok: true });
    expect(await handshake('httpbin.example.com', first.session)).toEqual({
      cn: 'httpbin-v2',
      reused: false,
    });
  });
});
