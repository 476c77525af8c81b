import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '#keyway/infra';
import {
  createThrowawayDatabase,
  privateNats,
  testDataKeys,
  waitFor,
  type PrivateNats,
  type ThrowawayDatabase,
} from '#keyway/testing';
import type { Io } from './io.js';
import { main } from './main.js';

/**
 * The CLI against the api process from dist/ (npm run build), which forwards over a private NATS
 * to the api's fake services process. Walkthrough command lines are passed verbatim.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const API_MAIN = path.join(ROOT, 'dist/apps/api/src/main.js');
const FAKE_MAIN = path.join(ROOT, 'dist/apps/api/src/testing/fake-services-main.js');

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: mygateway
spec:
  selector:
    istio: ingressgateway # use istio default ingress gateway
  servers:
  - port:
      number: 443
      name: https
      protocol: HTTPS
    tls:
      mode: SIMPLE
      credentialName: httpbin-credential # must be the same as secret
    hosts:
    - httpbin.example.com
`;
const VIRTUAL_SERVICE = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: httpbin
spec:
  hosts:
  - "httpbin.example.com"
  gateways:
  - mygateway
  http:
  - match:
    - uri:
        prefix: /status
    route:
    - destination:
        port:
          number: 8000
        host: httpbin
`;

describe('keyway CLI against the api', () => {
  let nats: PrivateNats;
  let db: ThrowawayDatabase;
  let project: string;
  let api: ChildProcess;
  let fake: ChildProcess;
  let server: string;
  let apiOutput = '';

  const keyway = async (argv: string[], stdin = '', overrides: { server?: string; token?: string } = {}) => {
    let out = '';
    let err = '';
    const io: Io = {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      isTTY: false,
      readStdin: async () => stdin,
      readFile: (f) => fs.promises.readFile(f, 'utf8'),
      listDir: async (d) =>
        fs.statSync(d).isDirectory()
          ? fs
              .readdirSync(d)
              .sort()
              .map((n) => path.join(d, n))
          : undefined,
      writeFile: async (f, content, mode) => {
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, content, { mode });
        fs.chmodSync(f, mode);
      },
      now: () => new Date(),
    };
    const code = await main(argv, {
      io,
      env: { server: overrides.server ?? server, token: overrides.token },
      projectDirs: [project],
    });
    return { code, out, err };
  };

  beforeAll(async () => {
    if (!fs.existsSync(API_MAIN) || !fs.existsSync(FAKE_MAIN)) throw new Error('build first: npm run build');
    nats = await privateNats('keyway-cli-nats');
    const natsUrl = nats.url;
    db = await createThrowawayDatabase('keyway_cli');
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-cli-'));
    fs.mkdirSync(path.join(project, '.keyway/logs'), { recursive: true });
    fs.writeFileSync(
      path.join(project, '.keyway/logs/gateway.log'),
      'gateway: listener 0.0.0.0_8443 ready\n',
    );
    fs.writeFileSync(
      path.join(project, '.keyway/logs/sds-server.log'),
      '{"msg":"pushed secret","namespace":"istio-system","resource":"kubernetes://httpbin-credential"}\n',
    );
    const dataKeys = testDataKeys();
    const env = { ...process.env, NATS_URL: natsUrl, KEYWAY_DATA_KEYS: dataKeys };
    fake = spawn(process.execPath, [FAKE_MAIN], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      fake.stdout!.on('data', (c: Buffer) => c.toString().includes('fake services ready') && resolve());
      fake.once('exit', (code) => reject(new Error(`fake services exited ${code}`)));
    });
    const port = await freePort();
    server = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, [API_MAIN], {
      cwd: project,
      env: {
        ...env,
        DATABASE_URL: db.url,
        HTTP_PORT: String(port),
        OPS_PORT: '0',
        LOG_DIR: path.join(project, '.keyway/logs'),
        KEYWAY_ADMIN_TOKEN: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api.stdout!.on('data', (c: Buffer) => (apiOutput += c.toString()));
    api.stderr!.on('data', (c: Buffer) => (apiOutput += c.toString()));
    await waitFor(async () => (await fetch(`${server}/openapi.json`).catch(() => undefined))?.ok, {
      timeoutMs: 20_000,
      what: `the api at ${server}`,
    });
  }, 60_000);

  afterAll(async () => {
    await stopChild(api);
    await stopChild(fake);
    await db?.drop();
    await nats?.stop();
    if (project) fs.rmSync(project, { recursive: true, force: true });
  }, 60_000);

  it('runs the walkthrough command lines verbatim', async () => {
    const certs = path.join(project, 'example_certs');
    const issued = await keyway(['cert', 'issue', 'httpbin.example.com', '--out', certs]);
    expect(issued).toMatchObject({ code: 0, err: '' });
    for (const f of [
      '1_root/certs/ca.cert.pem',
      '2_intermediate/certs/intermediate.cert.pem',
      '2_intermediate/certs/ca-chain.cert.pem',
      '3_application/certs/httpbin.example.com.cert.pem',
      '4_client/certs/httpbin.example.com.cert.pem',
    ])
      expect(fs.existsSync(path.join(certs, f))).toBe(true);
    for (const k of [
      '3_application/private/httpbin.example.com.key.pem',
      '4_client/private/httpbin.example.com.key.pem',
    ])
      expect(fs.statSync(path.join(certs, k)).mode & 0o777).toBe(0o600);
    expect(issued.out).not.toContain('PRIVATE KEY');

    const create = await keyway([
      'create',
      '-n',
      'istio-system',
      'secret',
      'generic',
      'httpbin-credential',
      `--from-file=key=${certs}/3_application/private/httpbin.example.com.key.pem`,
      `--from-file=cert=${certs}/3_application/certs/httpbin.example.com.cert.pem`,
      `--from-file=cacert=${certs}/2_intermediate/certs/ca-chain.cert.pem`,
    ]);
    expect(create).toEqual({ code: 0, out: 'secret/httpbin-credential created\n', err: '' });
    expect(
      await keyway([
        'create',
        '-n',
        'istio-system',
        'secret',
        'generic',
        'httpbin-credential',
        `--from-file=key=${certs}/3_application/private/httpbin.example.com.key.pem`,
      ]),
    ).toMatchObject({ code: 1, err: expect.stringContaining('AlreadyExists') });

    expect(await keyway(['apply', '-n', 'istio-system', '-f', '-'], GATEWAY)).toEqual({
      code: 0,
      out: 'gateway.networking.istio.io/mygateway created\n',
      err: '',
    });
    expect(await keyway(['apply', '-n', 'istio-system', '-f', '-'], VIRTUAL_SERVICE)).toMatchObject({
      code: 0,
      out: 'virtualservice.networking.istio.io/httpbin created\n',
    });
    expect(await keyway(['apply', '-n', 'istio-system', '-f', '-'], VIRTUAL_SERVICE)).toMatchObject({
      code: 0,
      out: 'virtualservice.networking.istio.io/httpbin unchanged\n',
    });

    expect(
      (
        await keyway([
          '-n',
          'istio-system',
          'get',
          'service',
          'istio-ingressgateway',
          '-o',
          'jsonpath={.spec.ports[?(@.name=="https")].port}',
        ])
      ).out,
    ).toBe('8443');
    expect(
      (
        await keyway([
          '-n',
          'istio-system',
          'get',
          'service',
          'istio-ingressgateway',
          '-o',
          'jsonpath={.status.loadBalancer.ingress[0].ip}',
        ])
      ).out,
    ).toBe('127.0.0.1');
    expect((await keyway(['get', 'svc', '-n', 'istio-system'])).out).toMatch(
      /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nistio-ingressgateway\s+LoadBalancer\s+127\.0\.0\.1\s+127\.0\.0\.1\s+8080\/TCP,8443\/TCP/,
    );
    const pod = (
      await keyway([
        'get',
        'pod',
        '-l',
        'istio=ingressgateway',
        '-n',
        'istio-system',
        '-o',
        'jsonpath={.items[0].metadata.name}',
      ])
    ).out;
    expect(pod).toBe('istio-ingressgateway-local-0');
    expect(await keyway(['logs', '-n', 'istio-system', pod, '-c', 'istio-proxy'])).toMatchObject({
      code: 0,
      out: 'gateway: listener 0.0.0.0_8443 ready\n',
    });
    expect((await keyway(['logs', '-n', 'istio-system', pod, '-c', 'ingress-sds'])).out).toContain(
      'kubernetes://httpbin-credential',
    );

    const secrets = await keyway(['get', 'secrets', '-n', 'istio-system']);
    expect(secrets.out).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE\nhttpbin-credential\s+Opaque\s+3\s+\d+s\n$/);
    const gwYaml = await keyway(['get', 'gateways', '-n', 'istio-system', '-o', 'yaml']);
    expect(gwYaml.out).toContain('credentialName: httpbin-credential');
    expect(
      JSON.parse((await keyway(['get', 'virtualservices', '-n', 'istio-system', '-o', 'json'])).out).items[0]
        .spec.hosts,
    ).toEqual(['httpbin.example.com']);

    const tls = await keyway([
      'create',
      '-n',
      'istio-system',
      'secret',
      'tls',
      'helloworld-credential',
      `--key=${certs}/3_application/private/httpbin.example.com.key.pem`,
      `--cert=${certs}/3_application/certs/httpbin.example.com.cert.pem`,
    ]);
    expect(tls).toMatchObject({ code: 0, out: 'secret/helloworld-credential created\n' });

    expect(await keyway(['-n', 'istio-system', 'delete', 'secret', 'httpbin-credential'])).toEqual({
      code: 0,
      out: 'secret "httpbin-credential" deleted\n',
      err: '',
    });
    expect(
      await keyway([
        'delete',
        '--ignore-not-found=true',
        '-n',
        'istio-system',
        'secret',
        'httpbin-credential',
        'helloworld-credential',
      ]),
    ).toEqual({ code: 0, out: 'secret "helloworld-credential" deleted\n', err: '' });
    expect(await keyway(['delete', '-n', 'istio-system', 'secret', 'httpbin-credential'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('NotFound'),
    });
    expect(await keyway(['delete', '-n', 'istio-system', 'gateway', 'mygateway'])).toMatchObject({
      code: 0,
      out: 'gateway "mygateway" deleted\n',
    });
    expect(await keyway(['delete', '-n', 'istio-system', 'virtualservice', 'httpbin'])).toMatchObject({
      code: 0,
    });
    expect(await keyway(['get', 'gateways', '-n', 'istio-system'])).toEqual({
      code: 0,
      out: '',
      err: 'No resources found in istio-system namespace.\n',
    });
  }, 30_000);

  it('creates, lists and deletes every resource kind from files', async () => {
    const file = path.join(project, 'all.yaml');
    fs.writeFileSync(
      file,
      [
        'apiVersion: v1\nkind: Secret\nmetadata: {name: s1}\nstringData: {cert: c, key: k}\n',
        GATEWAY,
        VIRTUAL_SERVICE,
        'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: httpbin}\nspec: {hosts: [httpbin], ports: [{number: 8000, name: http, protocol: HTTP}], resolution: STATIC, location: MESH_INTERNAL}\n',
        'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web}\nspec: {secretName: web-tls, issuerRef: {name: some-ca}, dnsNames: [web.example]}\n',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: httpbin}\n',
      ].join('---\n'),
    );
    const applied = await keyway(['apply', '-n', 'team-x', '-f', file]);
    expect(applied.code).toBe(1);
    expect(applied.out.split('\n').filter(Boolean)).toEqual([
      'secret/s1 created',
      'gateway.networking.istio.io/mygateway created',
      'virtualservice.networking.istio.io/httpbin created',
      'serviceentry.networking.istio.io/httpbin created',
      // The ca answers a Certificate apply with its status, not an outcome: kubectl's generic word.
      'certificate.cert-manager.io/web configured',
    ]);
    expect(applied.err).toContain('deployment/httpbin');
    for (const [kind, name] of [
      ['secrets', 's1'],
      ['gateways', 'mygateway'],
      ['virtualservices', 'httpbin'],
      ['serviceentries', 'httpbin'],
      ['certificates', 'web'],
    ]) {
      expect((await keyway(['get', kind, '-n', 'team-x', '-o', 'name'])).out).toContain(`/${name}`);
    }
    expect((await keyway(['get', 'serviceentries', '-A'])).out).toMatch(/NAMESPACE\s+NAME\s+HOSTS/);
    const deleted = await keyway(['delete', '-n', 'team-x', '-f', file]);
    expect(deleted.code).toBe(0);
    expect(deleted.out.split('\n').filter(Boolean)).toHaveLength(5);
    expect(deleted.err).toContain('skipping Deployment/httpbin');
    for (const kind of ['secrets', 'gateways', 'virtualservices', 'serviceentries', 'certificates'])
      expect((await keyway(['get', kind, '-n', 'team-x'])).err).toContain('No resources found');
  }, 30_000);

  it("serves keyway's own verbs: history, audit verify, proxy-status, cert revoke, logs SERVICE", async () => {
    await keyway(['create', 'secret', 'generic', 'hist', '--from-literal=cert=a', '-n', 'team-h']);
    const history = await keyway(['history', 'hist', '-n', 'team-h']);
    expect(history.out).toMatch(
      /^REVISION\s+ACTION\s+ACTOR\s+SOURCE\s+SERIAL\s+NOT-AFTER\s+RECORDED\s+REASON\n1\s+created\s+admin\s+api/,
    );
    expect(await keyway(['audit', 'verify'])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^OK: audit chain intact/),
    });
    expect((await keyway(['proxy-status'])).out).toMatch(
      /NAME\s+NAMESPACE\s+GROUP\s+REPLICA\s+LDS\nrouter~127\.0\.0\.1~istio-ingressgateway-local-0\.istio-system\S+\s+istio-system\s+g-0123456789abcdef\s+sds-1\s+SYNCED/,
    );
    expect(await keyway(['cert', 'revoke', 'abcd01'])).toMatchObject({
      code: 0,
      out: 'certificate abcd01 revoked (issuer fake-int, CRL 2)\n',
    });
    expect(await keyway(['logs', 'gateway'])).toMatchObject({
      code: 0,
      out: 'gateway: listener 0.0.0.0_8443 ready\n',
    });
    // JSON lines read as text by default, raw with -o json.
    expect(await keyway(['logs', 'sds-server'])).toMatchObject({
      code: 0,
      out: '-  -      -  pushed secret  namespace=istio-system  resource=kubernetes://httpbin-credential\n',
    });
    expect((await keyway(['logs', 'sds-server', '-o', 'json'])).out).toBe(
      '{"msg":"pushed secret","namespace":"istio-system","resource":"kubernetes://httpbin-credential"}\n',
    );
  }, 30_000);

  it('fails clearly: unreachable server, bad token, bad file, invalid manifest, usage', async () => {
    const unreachable = await keyway(['get', 'secrets'], '', {
      server: `http://127.0.0.1:${await freePort()}`,
    });
    expect(unreachable.code).toBe(3);
    expect(unreachable.err).toMatch(/cannot reach the keyway api at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    const badToken = await keyway(['get', 'secrets'], '', { token: 'kw_wrong' });
    expect(badToken).toMatchObject({
      code: 4,
      err: expect.stringContaining('Error from server (Unauthorized): the token is not valid'),
    });
    expect(
      await keyway(['create', 'secret', 'tls', 'x', '--cert=/nonexistent.pem', '--key=/nonexistent.key']),
    ).toMatchObject({ code: 2, err: 'error: cannot read /nonexistent.pem: no such file\n' });
    const invalid = await keyway(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: Secret\nmetadata: {name: Bad_Name}\n',
    );
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('metadata.name');
    expect(await keyway(['apply', '-f', '-'], 'kind: [oops')).toMatchObject({
      code: 2,
      err: expect.stringContaining('documents[0]'),
    });
    expect(await keyway(['get', 'widgets'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown resource type'),
    });
    expect(apiOutput).not.toContain(
      fs.readFileSync(path.join(project, '.keyway/admin-token'), 'utf8').trim(),
    );
  }, 30_000);

  it('runs as the `keyway` bin with KEYWAY_SERVER and KEYWAY_TOKEN', () => {
    const token = fs.readFileSync(path.join(project, '.keyway/admin-token'), 'utf8').trim();
    const r = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'bin/keyway.mjs'),
        '-n',
        'istio-system',
        'get',
        'service',
        'istio-ingressgateway',
        '-o',
        'jsonpath={.spec.ports[?(@.name=="https")].port}',
      ],
      {
        env: { ...process.env, KEYWAY_SERVER: server, KEYWAY_TOKEN: token, HOME: project },
        encoding: 'utf8',
      },
    );
    expect({ status: r.status, out: r.stdout, err: r.stderr }).toEqual({ status: 0, out: '8443', err: '' });
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'bin/keyway.mjs'), 'get', 'secrets'], {
      env: { ...process.env, KEYWAY_SERVER: server, KEYWAY_TOKEN: 'kw_nope', HOME: project },
      encoding: 'utf8',
    });
    expect(bad.status).toBe(4);
  }, 30_000);
});
