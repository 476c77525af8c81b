import net from 'node:net';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { connectNats } from '#keyway/messaging';
import { createLogger } from '#keyway/observability';
import { sdsConfig } from './config.js';
import { SdsRuntime } from './sds-runtime.js';
import { OpensslTestCa, natsUrlForTests, testDataKeys } from '#keyway/testing';

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('sds-server listeners as configured', () => {
  let ca: OpensslTestCa;
  let nc: NatsConnection;
  let tls: Record<string, string>;

  beforeAll(async () => {
    ca = new OpensslTestCa('keyway-listeners-ca');
    const server = ca.issue({ cn: 'sds-server', san: 'IP:127.0.0.1', usage: 'serverAuth' });
    tls = {
      XDS_TLS_CERT_FILE: server.file,
      XDS_TLS_KEY_FILE: server.file.replace(/\.crt$/, '.key'),
      XDS_CLIENT_CA_FILE: path.join(ca.dir, 'ca.crt'),
    };
    nc = await connectNats({ url: natsUrlForTests(), name: 'sds-listeners-test' });
  }, 30_000);

  afterAll(async () => {
    await nc?.drain();
    ca?.remove();
  });

  async function start(env: Record<string, string>) {
    const runtime = new SdsRuntime({
      config: sdsConfig.load({
        NATS_URL: natsUrlForTests(),
        KEYWAY_DATA_KEYS: testDataKeys(),
        OPS_PORT: '0',
        XDS_TLS_PORT: '0',
        ...env,
      }),
      logger: createLogger({ service: 'sds-server', level: 'silent' }),
      nc,
      metrics: new Registry(),
    });
    return { runtime, ports: await runtime.start() };
  }

  it('XDS_GRPC_PORT=off: only the mTLS listener runs', async () => {
    const { runtime, ports } = await start({ ...tls, XDS_GRPC_PORT: 'off' });
    try {
      expect(ports.plain).toBeUndefined();
      expect(runtime.server.ports).toEqual({ tls: ports.tls });
      expect(await accepts(ports.tls!)).toBe(true);
    } finally {
      await runtime.stop();
    }
  }, 30_000);

  it('XDS_GRPC_PORT=0: the token listener runs on a port the OS picks, beside mTLS', async () => {
    const { runtime, ports } = await start({ ...tls, XDS_GRPC_PORT: '0' });
    try {
      expect(ports.plain).toBeGreaterThan(0);
      expect(ports.plain).not.toBe(ports.tls);
      expect(await accepts(ports.plain!)).toBe(true);
    } finally {
      await runtime.stop();
    }
  }, 30_000);
});
