import http2 from 'node:http2';
import tls from 'node:tls';
import { Gateway } from '../gateway.js';
import { curl } from '../testing/curl.js';
import * as R from '../testing/envoy-resources.js';
import { testGateway } from '../testing/gateway-harness.js';
import { TestPki, type IssuedCertificate, type TestAuthority } from '../testing/openssl-pki.js';
import { UpstreamServer } from '../testing/upstream-server.js';

const { TypeUrl } = R;
const CLUSTER = 'outbound|8000||httpbin.default.svc.cluster.local';
const ROUTES = 'https.443.https.mygateway.istio-system';
const SECRET = 'kubernetes://httpbin-credential';

describe('certificates from SDS', () => {
  let pki: TestPki;
  let ca: TestAuthority;
  let first: IssuedCertificate;
  let second: IssuedCertificate;
  let gateway: Gateway;
  let port: number;
  const upstream = new UpstreamServer('httpbin');
  const secret = (cert: IssuedCertificate, version: string) =>
    R.update(TypeUrl.Secret, version, [
      R.tlsCertificateSecret(SECRET, cert.certificateChain, cert.privateKey.reveal()),
    ]);
  const chain = (serverNames: string[], secretName: string) =>
    R.tlsChain({ serverNames, secret: secretName, mode: 'SIMPLE', routeName: ROUTES });

  beforeAll(async () => {
    pki = await TestPki.create();
    ca = await pki.authority('example-ca');
    first = await pki.issue(ca, 'httpbin-v1', { sans: ['DNS:httpbin.example.com'], usage: 'server' });
    second = await pki.issue(ca, 'httpbin-v2', {
      sans: ['DNS:httpbin.example.com'],
      usage: 'server',
      keyType: 'rsa',
    });
    await upstream.start();
    gateway = testGateway().gateway;
    for (const u of [
      R.update(TypeUrl.Cluster, 'c1', [R.staticCluster(CLUSTER, [['127.0.0.1', upstream.port]])]),
      R.update(TypeUrl.Listener, 'l1', [
        R.listener('0.0.0.0_8443', 443, [chain(['httpbin.example.com'], SECRET)]),
      ]),
      R.update(TypeUrl.RouteConfiguration, 'r1', [
        R.routeConfiguration(ROUTES, [R.virtualHost('all', ['*'], [R.routeTo('/', CLUSTER)])]),
      ]),
    ]) {
      expect(await gateway.onUpdate(u)).toEqual({ ok: true });
    }
    port = gateway.listeners.boundPort('0.0.0.0_8443')!;
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
    await pki.cleanup();
  });

  const get = (host = 'httpbin.example.com') => curl({ host, port, path: '/get', cacert: ca.certFile });

  it('holds connections until the listener has its certificate', async () => {
    expect(gateway.isReady()).toBe(false);
    expect(gateway.listeners.status()[0]).toMatchObject({
      state: 'warming',
      waitingFor: [`secret ${SECRET}`],
    });
    let handshaken = false;
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'httpbin.example.com',
      ca: ca.certificate,
    });
    socket.on('secureConnect', () => (handshaken = true));
    await new Promise((resolve) => socket.once('connect', resolve));
    expect(handshaken).toBe(false);
    expect(await gateway.onUpdate(secret(first, 's1'))).toEqual({ ok: true });
    await new Promise((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    expect(socket.getPeerCertificate().subject.CN).toBe('httpbin-v1');
    socket.destroy();
    expect(gateway.isReady()).toBe(true);
  });

  it('rotates the certificate for new handshakes while open connections keep theirs', async () => {
    const session = http2.connect(`https://127.0.0.1:${port}`, {
      ca: ca.certificate,
      servername: 'httpbin.example.com',
    });
    const request = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = session.request({ ':path': path, ':authority': 'httpbin.example.com' });
        req.on('response', (h) => resolve(Number(h[':status'])));
        req.on('error', reject);
        req.resume();
        req.end();
      });
    try {
      expect(await request('/get')).toBe(200);
      expect((session.socket as tls.TLSSocket).getPeerCertificate().subject.CN).toBe('httpbin-v1');
      expect(await gateway.onUpdate(secret(second, 's2'))).toEqual({ ok: true });
      const fresh = await get();
      expect(fresh.status).toBe(200);
      expect(fresh.trace).toMatch(/subject: CN=httpbin-v2/);
      expect(await request('/get')).toBe(200);
      expect((session.socket as tls.TLSSocket).getPeerCertificate().subject.CN).toBe('httpbin-v1');
    } finally {
      session.destroy();
    }
  });

  it('NACKs a secret whose key does not match and keeps serving the last good one', async () => {
    const broken = R.update(TypeUrl.Secret, 's3', [
      R.tlsCertificateSecret(SECRET, first.certificateChain, second.privateKey.reveal()),
    ]);
    const result = await gateway.onUpdate(broken);
    expect(result).toEqual({
      ok: false,
      message: `Secret/${SECRET}: tls_certificate.private_key: does not match the leaf certificate`,
    });
    const r = await get();
    expect(r.status).toBe(200);
    expect(r.trace).toMatch(/subject: CN=httpbin-v2/);
    expect(gateway.store.secrets.get(SECRET)?.version).toBe('s2');
  });

  it('keeps serving the old listener while a changed one waits for its new secret', async () => {
    const hello = await pki.issue(ca, 'helloworld', {
      sans: ['DNS:helloworld.example.com'],
      usage: 'server',
    });
    const changed = R.update(TypeUrl.Listener, 'l2', [
      R.listener('0.0.0.0_8443', 443, [
        chain(['httpbin.example.com'], SECRET),
        chain(['helloworld.example.com'], 'kubernetes://helloworld-credential'),
      ]),
    ]);
    expect(await gateway.onUpdate(changed)).toEqual({ ok: true });
    expect(gateway.listeners.status()[0]).toMatchObject({
      state: 'updating',
      waitingFor: ['secret kubernetes://helloworld-credential'],
    });
    expect((await get()).status).toBe(200);
    expect((await get('helloworld.example.com')).status).toBe(0);
    const both = R.update(TypeUrl.Secret, 's4', [
      R.tlsCertificateSecret(SECRET, second.certificateChain, second.privateKey.reveal()),
      R.tlsCertificateSecret(
        'kubernetes://helloworld-credential',
        hello.certificateChain,
        hello.privateKey.reveal(),
      ),
    ]);
    expect(await gateway.onUpdate(both)).toEqual({ ok: true });
    expect(gateway.listeners.status()[0].state).toBe('active');
    const r = await get('helloworld.example.com');
    expect(r.status).toBe(200);
    expect(r.trace).toMatch(/subject: CN=helloworld/);
  });
});
