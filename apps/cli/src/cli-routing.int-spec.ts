import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServiceProcess, waitReady, type ServiceProcess } from '#keyway/infra';
import {
  createThrowawayDatabase,
  privateNats,
  testDataKeys,
  type PrivateNats,
  type ThrowawayDatabase,
} from '#keyway/testing';
import type { Io } from './io.js';
import { main } from './main.js';

/**
 * `keyway apply` of routing resources through the real chain: the CLI, and the api and
 * route-compiler processes from dist/ (npm run build), over a private NATS and one throwaway
 * database. The CLI's words are kubectl's: created, configured, unchanged.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const TOKEN = randomBytes(24).toString('hex');

const gateway = (host: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: mygateway
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: httpbin-credential}
    hosts: [${host}]
`;
const VIRTUAL_SERVICE = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin}
spec:
  hosts: [httpbin.example.com]
  gateways: [mygateway]
  http:
  - match: [{uri: {prefix: /status}}]
    route: [{destination: {port: {number: 8000}, host: httpbin}}]
`;
const SERVICE_ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin}
spec: {hosts: [httpbin], ports: [{number: 8000, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 127.0.0.1}]}
`;

describe('keyway apply of routing resources against the api and the route-compiler', () => {
  let nats: PrivateNats;
  let db: ThrowawayDatabase;
  let dir: string;
  let routeCompiler: ServiceProcess | undefined;
  let api: ServiceProcess | undefined;
  let server: string;

  /** One app from dist/ on the private NATS and the throwaway database; its log goes under `dir`. */
  const startService = async (app: string, env: Record<string, string>, ready: string) => {
    const proc = startServiceProcess(
      app,
      { NATS_URL: nats.url, DATABASE_URL: db.url, LOG_LEVEL: 'warn', ...env },
      path.join(dir, 'logs'),
      ROOT,
    );
    await waitReady(proc, ready, 20_000).catch(async (e: Error) => {
      await proc.stop();
      throw e;
    });
    return proc;
  };

  const keyway = async (argv: string[], stdin = '') => {
    let out = '';
    let err = '';
    const io: Io = {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      isTTY: false,
      readStdin: async () => stdin,
      readFile: (f) => fs.promises.readFile(f, 'utf8'),
      listDir: async () => undefined,
      writeFile: async () => {
        throw new Error('not used');
      },
      now: () => new Date(),
    };
    const code = await main(argv, { io, env: { server, token: TOKEN }, projectDirs: [] });
    return { code, out, err };
  };

  beforeAll(async () => {
    nats = await privateNats('keyway-cli-routing-nats');
    db = await createThrowawayDatabase('keyway_cli_routing');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-cli-routing-'));
    const routeCompilerOps = await freePort();
    routeCompiler = await startService(
      'route-compiler',
      { OPS_PORT: String(routeCompilerOps) },
      `http://127.0.0.1:${routeCompilerOps}/readyz`,
    );
    const port = await freePort();
    server = `http://127.0.0.1:${port}`;
    api = await startService(
      'api',
      {
        KEYWAY_DATA_KEYS: testDataKeys(),
        KEYWAY_ADMIN_TOKEN: TOKEN,
        HTTP_PORT: String(port),
        OPS_PORT: '0',
        LOG_DIR: path.join(dir, 'logs'),
      },
      `${server}/openapi.json`,
    );
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
    await routeCompiler?.stop();
    await db?.drop();
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('prints created, then unchanged for the same manifest, then configured for a changed one', async () => {
    const apply = (text: string) => keyway(['apply', '-n', 'istio-system', '-f', '-'], text);
    expect(await apply(gateway('httpbin.example.com'))).toEqual({
      code: 0,
      out: 'gateway.networking.istio.io/mygateway created\n',
      err: '',
    });
    expect(await apply(gateway('httpbin.example.com'))).toEqual({
      code: 0,
      out: 'gateway.networking.istio.io/mygateway unchanged\n',
      err: '',
    });
    expect(await apply(gateway('helloworld.example.com'))).toEqual({
      code: 0,
      out: 'gateway.networking.istio.io/mygateway configured\n',
      err: '',
    });
  }, 30_000);

  it('reports each document of a multi-document apply on its own', async () => {
    const file = [gateway('helloworld.example.com'), VIRTUAL_SERVICE, SERVICE_ENTRY].join('---\n');
    const first = await keyway(['apply', '-n', 'istio-system', '-f', '-'], file);
    expect(first.out.split('\n').filter(Boolean)).toEqual([
      'gateway.networking.istio.io/mygateway unchanged',
      'virtualservice.networking.istio.io/httpbin created',
      'serviceentry.networking.istio.io/httpbin created',
    ]);
    const edited = file.replace('prefix: /status', 'prefix: /delay');
    const second = await keyway(['apply', '-n', 'istio-system', '-f', '-'], edited);
    expect(second.out.split('\n').filter(Boolean)).toEqual([
      'gateway.networking.istio.io/mygateway unchanged',
      'virtualservice.networking.istio.io/httpbin configured',
      'serviceentry.networking.istio.io/httpbin unchanged',
    ]);
    expect(second.code).toBe(0);
  }, 30_000);
});
