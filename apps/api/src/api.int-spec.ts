import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { Keyring } from '#keyway/key-material';
import { natsTransport } from '#keyway/messaging';
import { createLogger } from '#keyway/observability';
import { createThrowawayDatabase, testDataKeys, type ThrowawayDatabase } from '#keyway/testing';
import { TokenBucketLimiter } from './auth/rate-limiter.js';
import type { RequestLog } from './audit/request-log.js';
import { REQUEST_LOG } from './tokens.js';
import { apiConfig } from './config.js';
import { ROUTES } from './docs/openapi.js';
import { FAKE_KEY_PEM, FakeServicesModule, FakeState } from './testing/fake-services.js';
import { bootApi, privateNats } from './testing/harness.js';

const ADMIN = `admin-${'x'.repeat(24)}`;

describe('api against real NATS and Postgres, with fake services', () => {
  let nats: { url: string; stop(): Promise<void> };
  let db: ThrowawayDatabase;
  let fake: INestMicroservice;
  let app: NestExpressApplication;
  let base: string;
  let logDir: string;
  const state = new FakeState();
  const logLines: string[] = [];
  // Refills fully between requests unless frozen, so only the rate-limit test sees limits.
  const clock = { t: 0, frozen: false };
  const limiter = new TokenBucketLimiter(1, 3, () => (clock.frozen ? clock.t : (clock.t += 10_000)));

  const call = async (
    method: string,
    url: string,
    token: string | undefined,
    body?: unknown,
    type = 'application/json',
  ) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = type;
    const res = await fetch(base + url, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = text;
    try {
      json = JSON.parse(text);
    } catch {
      /* text bodies (logs, docs) */
    }
    return { status: res.status, body: json, text, headers: res.headers };
  };

  beforeAll(async () => {
    nats = await privateNats();
    db = await createThrowawayDatabase('keyway_api');
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-api-logs-'));
    fs.writeFileSync(path.join(logDir, 'gateway.log'), 'gateway line 1\ngateway line 2\n');
    fs.writeFileSync(
      path.join(logDir, 'sds-server.log'),
      '{"msg":"pushed","namespace":"istio-system","name":"httpbin-credential"}\n{"msg":"pushed","namespace":"team-b"}\n',
    );
    const dataKeys = testDataKeys();
    const config = apiConfig.load({
      NATS_URL: nats.url,
      DATABASE_URL: db.url,
      KEYWAY_DATA_KEYS: dataKeys,
      KEYWAY_ADMIN_TOKEN: ADMIN,
      HTTP_PORT: '0',
      OPS_PORT: '0',
      LOG_DIR: logDir,
      COMMAND_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'debug',
    });
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => logLines.push(...c.toString('utf8').split('\n').filter(Boolean)));
    const logger = createLogger({ service: 'api', level: 'debug', destination: stream });
    fake = await NestFactory.createMicroservice(FakeServicesModule.register(state, Keyring.parse(dataKeys)), {
      ...natsTransport({ url: nats.url }),
      logger: false,
    });
    await fake.listen();
    ({ app, base } = await bootApi(config, logger, { rateLimiter: limiter }));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await db?.drop();
    await nats?.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }, 60_000);

  const manifests = (ns: string) => `
apiVersion: v1
kind: Secret
metadata: {name: httpbin-credential, namespace: ${ns}}
type: Opaque
data: {key: ${Buffer.from('k').toString('base64')}, cert: ${Buffer.from('c').toString('base64')}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: mygateway, namespace: ${ns}}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 443, name: https, protocol: HTTPS}, tls: {mode: SIMPLE, credentialName: httpbin-credential}, hosts: [httpbin.example.com]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin, namespace: ${ns}}
spec: {hosts: [httpbin.example.com], gateways: [mygateway], http: [{route: [{destination: {host: httpbin, port: {number: 8000}}}]}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin, namespace: ${ns}}
spec: {hosts: [httpbin], ports: [{number: 8000, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 127.0.0.1}]}
`;

  it('sends a run of Secrets to the secret-watcher together, in document order otherwise', async () => {
    const secret = (name: string, value: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: bulk}\ntype: Opaque\ndata: {key: ${Buffer.from(value).toString('base64')}, cert: ${Buffer.from(value).toString('base64')}}\n`;
    const docs = [
      ...Array.from({ length: 30 }, (_, i) => secret(`bulk-${i}`, `v${i}`)),
      secret('bulk-3', 'second'), // named twice: the later document must win
      `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: bulk-gw, namespace: bulk}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 443, name: https, protocol: HTTPS}, tls: {mode: SIMPLE, credentialName: bulk-0}, hosts: [bulk.example.com]}]\n`,
    ];
    // The fake secret-watcher answers once ten applies wait at once (or after 1 s: one at a time).
    let open!: () => void;
    state.secretApplyGate = new Promise<void>((r) => (open = r));
    const timer = setTimeout(() => open(), 1000);
    const poll = setInterval(() => state.secretApplies.inFlight >= 10 && open(), 5);
    const seenBefore = state.received.length;
    try {
      const r = await call('POST', '/v1/apply', ADMIN, docs.join('---\n'), 'application/yaml');
      expect(r.status).toBe(200);
      expect(r.body.items.map((i: any) => i.name)).toEqual([
        ...Array.from({ length: 30 }, (_, i) => `bulk-${i}`),
        'bulk-3',
        'bulk-gw',
      ]);
    } finally {
      clearTimeout(timer);
      clearInterval(poll);
      state.secretApplyGate = undefined;
    }
    expect(state.secretApplies.most).toBeGreaterThanOrEqual(10);
    expect(state.secretApplies.most).toBeLessThanOrEqual(64);
    const subjects = state.received.slice(seenBefore).map((x) => x.subject);
    expect(subjects.lastIndexOf('keyway.secrets.apply')).toBeLessThan(
      subjects.indexOf('keyway.routing.apply'),
    );
    expect(state.secrets.get('bulk/bulk-3')!.manifest.data).toMatchObject({
      key: Buffer.from('second').toString('base64'),
    });
    // Other tests list every namespace the fake holds.
    for (const map of [state.secrets, state.routing, state.history])
      for (const k of [...map.keys()]) if (k.includes('bulk')) map.delete(k);
  });

  it("lists every Secret, not only the owner's first page of 1000", async () => {
    const now = new Date().toISOString();
    for (let i = 0; i < 2500; i++) {
      const summary = {
        namespace: 'many',
        name: `s-${i}`,
        type: 'Opaque',
        keys: [],
        revision: 1,
        createdAt: now,
        updatedAt: now,
      };
      state.secrets.set(`many/s-${i}`, { summary, manifest: {} });
    }
    try {
      const console = await call('GET', '/v1/console/credentials', ADMIN);
      expect(console.body.items.filter((o: any) => o.metadata.namespace === 'many')).toHaveLength(2500);
      let cursor = '';
      const names: string[] = [];
      do {
        const page = await call(
          'GET',
          `/v1/namespaces/many/secrets?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
          ADMIN,
        );
        names.push(...page.body.items.map((o: any) => o.metadata.name));
        cursor = page.body.metadata.continue ?? '';
      } while (cursor);
      expect(new Set(names).size).toBe(2500);
    } finally {
      for (const k of [...state.secrets.keys()]) if (k.startsWith('many/')) state.secrets.delete(k);
    }
  });

  it('applies multi-document YAML, dispatching by kind, and seals Secrets on the way', async () => {
    const r = await call(
      'POST',
      '/v1/apply?namespace=ignored',
      ADMIN,
      manifests('team-a'),
      'application/yaml',
    );
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: any) => `${i.kind}:${i.outcome}`)).toEqual([
      'Secret:created',
      'Gateway:created',
      'VirtualService:created',
      'ServiceEntry:created',
    ]);
    const again = await call('POST', '/v1/apply', ADMIN, manifests('team-a'), 'application/yaml');
    expect(again.body.items.map((i: any) => i.outcome)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    // The secret travelled sealed: no clear data in the NATS payload, opened by the service.
    const sent = state.received.find((x) => x.subject === 'keyway.secrets.apply')!;
    expect(JSON.stringify(sent.payload)).not.toContain(Buffer.from('k').toString('base64') + ',');
    expect(sent.payload.sealedManifest.alg).toBe('A256GCM');
    expect(state.secrets.get('team-a/httpbin-credential')?.manifest.data).toEqual({
      key: 'aw==',
      cert: 'Yw==',
    });
    expect(sent.payload.actor).toEqual({ kind: 'user', name: 'admin' });
  }, 30_000);

  it('accepts JSON, gets, lists with pagination and deletes every kind', async () => {
    const put = await call('PUT', '/v1/namespaces/team-a/gateways/gw2', ADMIN, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw2' },
      spec: { servers: [] },
    });
    expect(put).toMatchObject({
      status: 200,
      body: { kind: 'Gateway', namespace: 'team-a', name: 'gw2', outcome: 'created' },
    });
    const p1 = await call('GET', '/v1/namespaces/team-a/gateways?limit=1', ADMIN);
    expect(p1.body.items.map((o: any) => o.metadata.name)).toEqual(['gw2']);
    const p2 = await call(
      'GET',
      `/v1/namespaces/team-a/gateways?limit=1&cursor=${p1.body.metadata.continue}`,
      ADMIN,
    );
    expect(p2.body.items.map((o: any) => o.metadata.name)).toEqual(['mygateway']);
    expect(p2.body.metadata.continue).toBeUndefined();

    const secret = await call('GET', '/v1/namespaces/team-a/secrets/httpbin-credential', ADMIN);
    expect(secret.body).toMatchObject({
      kind: 'Secret',
      metadata: { name: 'httpbin-credential', annotations: { 'keyway.io/keys': 'cert,key' } },
    });
    expect(secret.body.data).toBeUndefined();
    for (const [plural, name] of [
      ['virtualservices', 'httpbin'],
      ['serviceentries', 'httpbin'],
      ['gateways', 'gw2'],
    ]) {
      expect((await call('GET', `/v1/namespaces/team-a/${plural}/${name}`, ADMIN)).body).toMatchObject({
        metadata: { name },
      });
      expect((await call('DELETE', `/v1/namespaces/team-a/${plural}/${name}`, ADMIN)).status).toBe(200);
      expect((await call('GET', `/v1/namespaces/team-a/${plural}/${name}`, ADMIN)).status).toBe(404);
    }
    expect((await call('DELETE', '/v1/namespaces/team-a/gateways/gw2', ADMIN)).status).toBe(404);
    expect(
      (await call('DELETE', '/v1/namespaces/team-a/gateways/gw2?ignoreNotFound=true', ADMIN)).body,
    ).toMatchObject({ deleted: false });

    const cert = await call('PUT', '/v1/namespaces/team-a/certificates/web', ADMIN, {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'web' },
      spec: { secretName: 'web-tls', issuerRef: { name: 'int' }, dnsNames: ['web.team-a.example'] },
    });
    expect(cert.status).toBe(200);
    expect((await call('GET', '/v1/namespaces/team-a/certificates', ADMIN)).body.items[0]).toMatchObject({
      kind: 'Certificate',
      metadata: { name: 'web' },
      status: { ready: true },
    });
    expect((await call('DELETE', '/v1/namespaces/team-a/certificates/web', ADMIN)).status).toBe(200);
    expect((await call('GET', '/v1/namespaces/team-a/widgets', ADMIN)).status).toBe(404);
  }, 30_000);

  it('maps structured errors to HTTP with field paths', async () => {
    const bad = await call('PUT', '/v1/namespaces/team-a/secrets/Bad_Name', ADMIN, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'Bad_Name' },
      data: { a: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['data.a', 'metadata.name']);
    expect(bad.body.errors[0].resource).toBe('Secret/team-a/Bad_Name');
    const fromService = await call('POST', '/v1/apply', ADMIN, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'nogw', namespace: 'team-a' },
      spec: {},
    });
    expect(fromService.status).toBe(400);
    expect(fromService.body.items[0].error.errors[0]).toMatchObject({
      field: 'spec.servers',
      resource: 'Gateway/team-a/nogw',
    });
    const conflict = await call('PUT', '/v1/namespaces/team-a/secrets/conflicting', ADMIN, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'conflicting' },
      data: {},
    });
    expect(conflict.status).toBe(409);
    const invalidData = await call('PUT', '/v1/namespaces/team-a/secrets/bad-cert', ADMIN, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bad-cert' },
      data: {},
    });
    expect(invalidData).toMatchObject({ status: 400, body: { errors: [{ field: 'data.cert' }] } });
    const unknownKind = await call(
      'POST',
      '/v1/apply',
      ADMIN,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n',
      'application/yaml',
    );
    expect(unknownKind.status).toBe(400);
    const unparsable = await call('POST', '/v1/apply', ADMIN, 'kind: [oops\n', 'application/yaml');
    expect(unparsable).toMatchObject({ status: 400, body: { errors: [{ field: 'documents[0]' }] } });
    // Nothing answers keyway.ca.crl in this test: the api says the service is unavailable.
    expect((await call('GET', '/v1/ca/authorities/x/crl', ADMIN)).status).toBe(503);
  }, 30_000);

  it('issues certificates: opens the sealed key for the caller once', async () => {
    expect(
      (
        await call('POST', '/v1/ca/authorities', ADMIN, {
          kind: 'root',
          name: 'root-a',
          commonName: 'Root A',
        })
      ).status,
    ).toBe(201);
    // The ca checks every issuance against a team's policy: the admin names the team.
    expect(
      (await call('POST', '/v1/ca/issue', ADMIN, { issuer: 'root-a', sans: { dns: ['x.example'] } })).status,
    ).toBe(403);
    const policy = await call('PUT', '/v1/ca/policies/platform/x', ADMIN, {
      issuers: ['root-a'],
      allowedDomains: ['x.example'],
      maxTtl: '720h',
    });
    expect(policy.status).toBe(200);
    expect((await call('GET', '/v1/ca/policies?team=platform', ADMIN)).body.items).toHaveLength(1);
    const issued = await call('POST', '/v1/ca/issue', ADMIN, {
      team: 'platform',
      issuer: 'root-a',
      commonName: 'x.example',
      sans: { dns: ['x.example'] },
    });
    expect(issued.status).toBe(200);
    expect(issued.body.privateKeyPem).toBe(FAKE_KEY_PEM);
    expect(issued.body.sealedPrivateKey).toBeUndefined();
    expect((await call('POST', '/v1/ca/issue', ADMIN, { issuer: 'root-a', sans: { dns: 'x' } })).status).toBe(
      400,
    );
    expect((await call('POST', '/v1/ca/revoke', ADMIN, { serial: 'abcd' })).body).toMatchObject({
      serial: 'abcd',
      crlNumber: 2,
    });
  }, 30_000);

  it('serves credential history, versions, audit verification, proxy and compile status', async () => {
    const h = await call('GET', '/v1/namespaces/team-a/credentials/httpbin-credential/history', ADMIN);
    expect(h.body.items).toEqual([expect.objectContaining({ revision: 1, action: 'created' })]);
    expect(
      (await call('GET', '/v1/namespaces/team-a/credentials/httpbin-credential/history/1', ADMIN)).body,
    ).toMatchObject({ revision: 1 });
    expect(
      (await call('GET', '/v1/namespaces/team-a/credentials/httpbin-credential/history/9', ADMIN)).status,
    ).toBe(404);
    expect((await call('GET', '/v1/namespaces/team-a/credentials', ADMIN)).body.items.length).toBeGreaterThan(
      0,
    );
    expect((await call('POST', '/v1/audit/verify', ADMIN, {})).body).toMatchObject({ ok: true });
    expect((await call('GET', '/v1/proxies', ADMIN)).body.items).toHaveLength(2);
    expect((await call('GET', '/v1/status?namespace=team-a&kind=Gateway', ADMIN)).body.items).toEqual([
      { resource: 'Gateway/team-a/mygateway', accepted: true, conditions: [] },
    ]);
  }, 30_000);

  it('presents the local gateway as istio-ingressgateway and serves its logs', async () => {
    const svc = await call('GET', '/api/v1/namespaces/istio-system/services/istio-ingressgateway', ADMIN);
    expect(svc.body.spec.ports).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'https', port: 8443 })]),
    );
    expect(svc.body.status.loadBalancer.ingress[0].ip).toBe('127.0.0.1');
    const pods = await call(
      'GET',
      '/api/v1/namespaces/istio-system/pods?labelSelector=istio%3Dingressgateway',
      ADMIN,
    );
    expect(pods.body.items[0].metadata.name).toBe('istio-ingressgateway-local-0');
    expect(
      (await call('GET', '/api/v1/namespaces/istio-system/pods?labelSelector=app%3Dother', ADMIN)).body.items,
    ).toEqual([]);
    const proxyLog = await call(
      'GET',
      '/api/v1/namespaces/istio-system/pods/istio-ingressgateway-local-0/log?container=istio-proxy&tailLines=1',
      ADMIN,
    );
    expect(proxyLog.body).toBe('gateway line 2\n');
    const sdsLog = await call(
      'GET',
      '/api/v1/namespaces/istio-system/pods/istio-ingressgateway-local-0/log?container=ingress-sds',
      ADMIN,
    );
    expect(sdsLog.text).toContain('httpbin-credential');
    expect(sdsLog.text).not.toContain('team-b');
    expect((await call('GET', '/v1/logs/gateway', ADMIN)).body).toBe('gateway line 1\ngateway line 2\n');
    expect((await call('GET', '/v1/logs/nothing', ADMIN)).status).toBe(404);
    expect((await call('GET', '/v1/logs/..%2F..%2Fetc%2Fpasswd', ADMIN)).status).toBe(400);
  }, 30_000);

  describe('teams and tokens', () => {
    let tokenA: string;
    let tokenB: string;
    let tokenAId: string;

    beforeAll(async () => {
      expect(
        (await call('POST', '/v1/teams', ADMIN, { name: 'team-a', namespaces: ['team-a'] })).status,
      ).toBe(201);
      expect(
        (await call('POST', '/v1/teams', ADMIN, { name: 'team-b', namespaces: ['team-b', 'istio-system'] }))
          .status,
      ).toBe(201);
      const a = await call('POST', '/v1/tokens', ADMIN, {
        name: 'ci-a',
        team: 'team-a',
        verbs: ['read', 'write', 'issue'],
      });
      const b = await call('POST', '/v1/tokens', ADMIN, {
        name: 'ci-b',
        team: 'team-b',
        verbs: ['read', 'write'],
      });
      tokenA = a.body.token;
      tokenAId = a.body.id;
      tokenB = b.body.token;
      await call('POST', '/v1/apply', ADMIN, manifests('team-b'), 'application/yaml');
    }, 30_000);

    it('keeps a team to its own namespaces', async () => {
      expect((await call('GET', '/v1/namespaces/team-a/secrets', tokenA)).status).toBe(200);
      expect((await call('GET', '/v1/namespaces/team-b/secrets', tokenA)).status).toBe(403);
      expect((await call('GET', '/v1/namespaces/team-b/gateways/mygateway', tokenA)).status).toBe(403);
      expect((await call('DELETE', '/v1/namespaces/team-b/gateways/mygateway', tokenA)).status).toBe(403);
      expect(
        (
          await call('PUT', '/v1/namespaces/team-b/gateways/mygateway', tokenA, {
            apiVersion: 'networking.istio.io/v1',
            kind: 'Gateway',
            metadata: { name: 'mygateway' },
            spec: { servers: [] },
          })
        ).status,
      ).toBe(403);
      const applied = await call('POST', '/v1/apply', tokenA, manifests('team-b'), 'application/yaml');
      expect(applied.status).toBe(403);
      expect(applied.body.items.every((i: any) => i.error?.code === 'forbidden')).toBe(true);
      expect(
        (await call('GET', '/v1/namespaces/team-b/credentials/httpbin-credential/history', tokenA)).status,
      ).toBe(403);
      const all = await call('GET', '/v1/resources/gateways', tokenA);
      expect(all.body.items.map((o: any) => o.metadata.namespace)).toEqual(['team-a']);
      expect(
        (await call('GET', '/v1/resources/gateways', ADMIN)).body.items.map((o: any) => o.metadata.namespace),
      ).toEqual(['team-a', 'team-b']);
      expect((await call('GET', '/v1/proxies', tokenB)).body.items.map((p: any) => p.namespace)).toEqual([
        'istio-system',
        'team-b',
      ]);
      expect((await call('GET', '/v1/proxies', tokenA)).body.items).toEqual([]);
      expect((await call('POST', '/v1/audit/verify', tokenA, {})).status).toBe(403);
      expect((await call('GET', '/v1/tokens', tokenA)).status).toBe(403);
      expect((await call('GET', '/v1/logs/gateway', tokenB)).status).toBe(403);
    }, 30_000);

    it("keeps issuance to the team's verbs and domains", async () => {
      const own = await call('POST', '/v1/ca/issue', tokenA, {
        issuer: 'root-a',
        sans: { dns: ['web.team-a.example'] },
      });
      expect(own.status).toBe(200);
      const issue = state.received.filter((x) => x.subject === 'keyway.ca.issue').pop()!;
      expect(issue.payload.actor).toEqual({ kind: 'user', name: 'ci-a', team: 'team-a' });
      expect(
        (
          await call('POST', '/v1/ca/issue', tokenA, {
            team: 'team-b',
            issuer: 'root-a',
            sans: { dns: ['web.team-b.example'] },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await call('PUT', '/v1/ca/policies/team-a/mine', tokenA, {
            issuers: ['root-a'],
            allowedDomains: ['*'],
            maxTtl: '1h',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await call('POST', '/v1/ca/issue', tokenA, {
            issuer: 'root-a',
            sans: { dns: ['web.team-b.example'] },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await call('POST', '/v1/ca/issue', tokenB, {
            issuer: 'root-a',
            sans: { dns: ['web.team-b.example'] },
          })
        ).status,
      ).toBe(403);
      expect(
        (await call('POST', '/v1/ca/authorities', tokenA, { kind: 'root', name: 'sneaky', commonName: 'x' }))
          .status,
      ).toBe(403);
    }, 30_000);

    it('refuses missing, unknown, expired and revoked tokens', async () => {
      expect((await call('GET', '/v1/namespaces/team-a/secrets', undefined)).status).toBe(401);
      expect((await call('GET', '/v1/namespaces/team-a/secrets', 'kw_not-a-token')).status).toBe(401);
      const expiring = await call('POST', '/v1/tokens', ADMIN, {
        name: 'short',
        team: 'team-a',
        verbs: ['read'],
        expiresInSeconds: 3600,
      });
      expect((await call('GET', '/v1/namespaces/team-a/secrets', expiring.body.token)).status).toBe(200);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(`UPDATE api.tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
        expiring.body.id,
      ]);
      const hashes = await client.query(`SELECT token_hash FROM api.tokens`);
      await client.end();
      expect(await call('GET', '/v1/namespaces/team-a/secrets', expiring.body.token)).toMatchObject({
        status: 401,
        body: { message: 'the token is expired' },
      });
      expect(hashes.rows.map((r) => r.token_hash)).not.toContain(tokenA);
      expect((await call('DELETE', `/v1/tokens/${tokenAId}`, ADMIN)).status).toBe(200);
      expect(await call('GET', '/v1/namespaces/team-a/secrets', tokenA)).toMatchObject({
        status: 401,
        body: { message: 'the token is revoked' },
      });
      expect((await call('DELETE', '/v1/tokens/00000000-0000-0000-0000-000000000000', ADMIN)).status).toBe(
        404,
      );
      const listed = await call('GET', '/v1/tokens', ADMIN);
      expect(JSON.stringify(listed.body)).not.toContain(tokenB);
    }, 30_000);

    it('limits the rate per token', async () => {
      const t = (await call('POST', '/v1/tokens', ADMIN, { name: 'busy', team: 'team-b', verbs: ['read'] }))
        .body.token;
      clock.frozen = true;
      try {
        const statuses = [];
        for (let i = 0; i < 4; i++)
          statuses.push((await call('GET', '/v1/namespaces/team-b/secrets', t)).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
      } finally {
        clock.frozen = false;
      }
    }, 30_000);

    it('a flood of refused requests adds one row per actor and status, with the count', async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const count = async () =>
        Number((await client.query(`SELECT count(*) AS n FROM api.request_log`)).rows[0].n);
      await app.get<RequestLog>(REQUEST_LOG).flush();
      const start = await count();
      // 300 guesses with bad tokens (the anonymous limiter lets through 20 a burst, then 429s).
      const statuses = new Set<number>();
      for (let i = 0; i < 300; i++)
        statuses.add((await call('GET', `/v1/namespaces/x/secrets?guess=${i}`, `kw_guess_${i}`)).status);
      expect([...statuses].every((s) => s === 401 || s === 429)).toBe(true);
      await app.get<RequestLog>(REQUEST_LOG).flush();
      const added = (
        await client.query(`SELECT actor, status, count FROM api.request_log ORDER BY id DESC LIMIT $1`, [
          (await count()) - start,
        ])
      ).rows as Array<{ actor: string; status: number; count: number }>;
      await client.end();
      expect(added.length).toBeLessThanOrEqual(2);
      expect(added.reduce((n, r) => n + r.count, 0)).toBe(300);
      expect(new Set(added.map((r) => r.actor))).toEqual(new Set(['anonymous']));
    }, 30_000);

    it('records every request with its actor, and never logs a token', async () => {
      await app.get<RequestLog>(REQUEST_LOG).flush();
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const rows = await client.query(`SELECT actor, team, method, path, status FROM api.request_log`);
      await client.end();
      expect(rows.rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actor: 'token:ci-a',
            team: 'team-a',
            method: 'GET',
            path: '/v1/namespaces/team-b/secrets',
            status: 403,
          }),
          expect.objectContaining({ actor: 'admin', method: 'POST', path: '/v1/apply' }),
          expect.objectContaining({ actor: 'anonymous', status: 401 }),
        ]),
      );
      const text = logLines.join('\n');
      expect(text).toContain('"msg":"request"');
      for (const secret of [ADMIN, tokenA, tokenB]) expect(text).not.toContain(secret);
      expect(text).not.toContain('BEGIN PRIVATE KEY');
      expect(JSON.stringify(rows.rows)).not.toContain(tokenA);
    }, 30_000);
  });

  it('reports readiness (postgres, nats) and request metrics on the ops port', async () => {
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'api ready');
    const ops = `http://127.0.0.1:${line.port}`;
    expect(await (await fetch(`${ops}/readyz`)).json()).toMatchObject({
      status: 'ok',
      checks: { postgres: { ok: true }, nats: { ok: true } },
    });
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    expect(metrics).toMatch(/keyway_api_requests_total\{method="GET",status="200",service="api"\} \d+/);
  }, 30_000);

  it('publishes an OpenAPI document listing every route Nest registered', async () => {
    const doc = (await call('GET', '/openapi.json', undefined)).body;
    expect(doc.openapi).toMatch(/^3\./);
    const router = (app.getHttpAdapter().getInstance() as any).router;
    const registered = new Set<string>();
    for (const layer of router.stack) {
      if (!layer.route) continue;
      for (const method of Object.keys(layer.route.methods))
        registered.add(
          `${method} ${String(layer.route.path)
            .replace(/:(\w+)/g, '{$1}')
            .replace(/\*(\w+)/g, '{$1}')}`,
        );
    }
    const documented = new Set(
      Object.entries<any>(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)),
    );
    expect([...registered].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !registered.has(r))).toEqual([]);
    expect(registered.size).toBe(ROUTES.length);
    const html = await call('GET', '/docs', undefined);
    expect(html.body).toContain('/v1/namespaces/{namespace}/{plural}');
  }, 30_000);

  describe('a namespace several teams share', () => {
    const gw = (name: string, host: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: shared-gw}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [${host}]
`;
    let red: string;
    let blue: string;

    beforeAll(async () => {
      for (const team of ['red', 'blue'])
        expect(
          (await call('POST', '/v1/teams', ADMIN, { name: team, namespaces: [team, 'shared-gw'] })).status,
        ).toBe(201);
      red = (
        await call('POST', '/v1/tokens', ADMIN, { name: 'red-ci', team: 'red', verbs: ['read', 'write'] })
      ).body.token;
      blue = (
        await call('POST', '/v1/tokens', ADMIN, { name: 'blue-ci', team: 'blue', verbs: ['read', 'write'] })
      ).body.token;
      expect(
        (await call('POST', '/v1/apply', red, gw('red-gw', 'red.example.com'), 'application/yaml')).status,
      ).toBe(200);
      expect(
        (await call('POST', '/v1/apply', ADMIN, gw('platform-gw', 'www.example.com'), 'application/yaml'))
          .status,
      ).toBe(200);
    }, 30_000);

    it('another team may not replace or delete what a team created there', async () => {
      const replaced = await call(
        'POST',
        '/v1/apply',
        blue,
        gw('red-gw', 'blue.example.com'),
        'application/yaml',
      );
      expect(replaced.status).toBe(403);
      expect(replaced.body.items[0].error.message).toMatch(
        /Gateway\/shared-gw\/red-gw belongs to team red: in namespace shared-gw, which teams blue, red share, a team changes only what it created/,
      );
      expect(
        (
          await call(
            'PUT',
            '/v1/namespaces/shared-gw/gateways/red-gw',
            blue,
            gw('red-gw', 'x.example.com'),
            'application/yaml',
          )
        ).status,
      ).toBe(403);
      expect((await call('DELETE', '/v1/namespaces/shared-gw/gateways/red-gw', blue)).status).toBe(403);
      expect(state.routing.get('Gateway/shared-gw/red-gw')).toBeDefined();
    });

    it("the platform's objects there are the platform's; the creator and admin keep full power", async () => {
      expect((await call('DELETE', '/v1/namespaces/shared-gw/gateways/platform-gw', red)).status).toBe(403);
      expect(
        (await call('POST', '/v1/apply', red, gw('red-gw', 'red2.example.com'), 'application/yaml')).status,
      ).toBe(200);
      expect((await call('DELETE', '/v1/namespaces/shared-gw/gateways/red-gw', red)).status).toBe(200);
      // Gone: the name is free again, for whoever creates it next.
      expect(
        (await call('POST', '/v1/apply', blue, gw('red-gw', 'blue.example.com'), 'application/yaml')).status,
      ).toBe(200);
      expect((await call('DELETE', '/v1/namespaces/shared-gw/gateways/red-gw', ADMIN)).status).toBe(200);
    });

    it("a team's own namespace is not shared: the rule does not apply there", async () => {
      expect(
        (
          await call(
            'POST',
            '/v1/apply',
            red,
            gw('own', 'own.example.com').replace('shared-gw', 'red'),
            'application/yaml',
          )
        ).status,
      ).toBe(200);
    });
  });

  // Last: it stops this test's NATS.
  it('a NATS outage answers 503 with Retry-After, never 500 with the transport text', async () => {
    await nats.stop();
    const r = await call('GET', '/v1/namespaces/default/secrets', ADMIN);
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.body).toMatchObject({ code: 'unavailable' });
    expect(JSON.stringify(r.body)).not.toMatch(/Connection lost|Trying to reconnect/i);
  }, 30_000);
});
