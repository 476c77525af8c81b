// The mTLS listener takes renewed certificates and new CRLs from its files without a restart, over
// real gRPC and TLS: a proxy revoked after start is refused, a renewed server certificate is what
// new handshakes see, and a broken set of files changes nothing.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { connect, type PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { createLogger } from '#keyway/observability';
import { ProxyRegistry } from './proxy-registry.js';
import { OpensslTestCa, waitFor, type IssuedPair } from '#keyway/testing';
import { readTlsFiles, TlsFileReloader, type TlsFilePaths } from '#keyway/config';
import type { MutualTlsFiles } from './server-credentials.js';
import { XdsGrpcServer } from './xds-grpc-server.js';
import { createXdsMetrics } from './xds-metrics.js';
import { envoyNode, SdsClient, TestStream, storeWithSecret } from './testing/xds-test-client.js';

jest.setTimeout(30_000);

const NS = 'istio-system';
const CRED = 'kubernetes://httpbin-credential';
const SPIFFE = `URI:spiffe://cluster.local/ns/${NS}/sa/istio-ingressgateway`;

describe('sds-server mTLS files reloaded while serving', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyway-sds-tls-'));
  const paths: TlsFilePaths<MutualTlsFiles> = {
    cert: path.join(dir, 'tls.crt'),
    key: path.join(dir, 'tls.key'),
    clientCa: path.join(dir, 'ca.crt'),
    crl: path.join(dir, 'ca.crl'),
  };
  let ca: OpensslTestCa;
  let proxy: IssuedPair & { file: string };
  let server: XdsGrpcServer;
  let reloader: TlsFileReloader<MutualTlsFiles>;
  let port: number;
  const lines: string[] = [];
  const clients: grpc.Client[] = [];

  function writeServerPair(pair: IssuedPair): void {
    writeFileSync(paths.cert, pair.cert);
    writeFileSync(paths.key, pair.key);
  }

  beforeAll(async () => {
    ca = new OpensslTestCa('keyway-reload-ca');
    proxy = ca.issue({ cn: 'gw', san: SPIFFE, usage: 'clientAuth' });
    writeServerPair(ca.issue({ cn: 'sds-server-1', san: 'IP:127.0.0.1', usage: 'serverAuth' }));
    writeFileSync(paths.clientCa, ca.cert);
    writeFileSync(paths.crl!, ca.crl());
    const logger = createLogger({
      service: 'sds-server',
      destination: new Writable({
        write(chunk, _e, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    });
    const store = storeWithSecret(NS, CRED);
    const files = readTlsFiles<MutualTlsFiles>(paths);
    server = new XdsGrpcServer({
      host: '127.0.0.1',
      tls: { port: 0, files },
      policy: { trustDomain: 'cluster.local', bootstrapTokens: new Map() },
      store,
      registry: new ProxyRegistry('r'),
      metrics: createXdsMetrics(new Registry()),
      logger,
    });
    port = (await server.start()).tls!;
    reloader = new TlsFileReloader('xds TLS files', paths, files, (f) => server.updateTls(f), logger);
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    reloader?.stop();
    await server?.stop();
    ca?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new client, so a new TLS handshake, asking for the credential. */
  async function ask(): Promise<{ served: boolean; code?: grpc.status }> {
    const client = new (SdsClient())(
      `127.0.0.1:${port}`,
      grpc.credentials.createSsl(ca.cert, proxy.key, proxy.cert),
    );
    clients.push(client);
    const s = new TestStream((client as any).StreamSecrets(new grpc.Metadata()));
    s.send({ node: envoyNode(NS, 'gw-reload'), resource_names: [CRED] });
    try {
      const r = await s.next(5000);
      return { served: r.resources.length === 1 };
    } catch {
      return { served: false, code: (await s.status(5000)).code };
    } finally {
      s.close();
    }
  }

  /** The certificate the server presents to a new handshake. */
  function serverCertificate(): Promise<PeerCertificate> {
    return new Promise((resolve, reject) => {
      const socket = connect({
        host: '127.0.0.1',
        port,
        ca: ca.cert,
        cert: proxy.cert,
        key: proxy.key,
        ALPNProtocols: ['h2'],
        checkServerIdentity: () => undefined,
      });
      socket.once('secureConnect', () => {
        resolve(socket.getPeerCertificate());
        socket.destroy();
      });
      socket.once('error', reject);
    });
  }

  it('refuses a proxy revoked after start once the new CRL is read', async () => {
    expect(await ask()).toEqual({ served: true });
    expect(reloader.check()).toBe(false);
    ca.revoke(proxy.file);
    writeFileSync(paths.crl!, ca.crl());
    expect(reloader.check()).toBe(true);
    expect(await ask()).toEqual({ served: false, code: grpc.status.UNAUTHENTICATED });
    expect(lines.some((l) => l.includes('xds TLS files reloaded') && l.includes('"crl"'))).toBe(true);
  });

  it('presents a renewed server certificate to new handshakes, picked up by the period', async () => {
    const before = await serverCertificate();
    expect(before.subject.CN).toBe('sds-server-1');
    writeServerPair(ca.issue({ cn: 'sds-server-2', san: 'IP:127.0.0.1', usage: 'serverAuth' }));
    reloader.start(50);
    await waitFor(async () => (await serverCertificate()).subject.CN === 'sds-server-2', {
      timeoutMs: 5000,
      what: 'the renewed server certificate',
    });
    reloader.stop();
  });

  it('keeps serving the previous files when the new ones do not fit together', async () => {
    const current = await serverCertificate();
    // A certificate whose key is not the one beside it: a rotation caught half-way.
    writeFileSync(
      paths.cert,
      ca.issue({ cn: 'sds-server-3', san: 'IP:127.0.0.1', usage: 'serverAuth' }).cert,
    );
    expect(reloader.check()).toBe(false);
    expect((await serverCertificate()).serialNumber).toBe(current.serialNumber);
    expect(lines.some((l) => l.includes('cannot be used; the previous ones keep serving'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/PRIVATE KEY/);
  });
});
