// Conformance: every protocol rule over real gRPC, on StreamSecrets, DeltaSecrets and ADS, with a
// hand-written client. The store is fed directly; the NATS feed has its own integration test.
import { jest } from '@jest/globals';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { createLogger } from '#keyway/observability';
import { decodeMessage, encodeMessage, TypeUrl } from '#keyway/envoy-api';
import { proxyGroupId } from '#keyway/contracts';
import { contentVersion } from '#keyway/xds-protocol';
import { waitFor } from '#keyway/testing';
import { ProxyRegistry } from './proxy-registry.js';
import { ResourceStore } from './resource-store.js';
import { XdsGrpcServer } from './xds-grpc-server.js';
import { createXdsMetrics } from './xds-metrics.js';
import {
  AdsClient,
  bearer,
  envoyNode,
  SdsClient,
  StreamClosedError,
  TestStream,
} from './testing/xds-test-client.js';

// Real servers, TLS and proto loading on a shared machine: generous per-test time.
jest.setTimeout(30_000);

const NS = 'istio-system';
const LABELS = { istio: 'ingressgateway' };
const GROUP = proxyGroupId(NS, LABELS);
const CRED = 'kubernetes://httpbin-credential';
const SDS = TypeUrl.Secret;
const CDS = TypeUrl.Cluster;
const LDS = TypeUrl.Listener;
const EDS = TypeUrl.ClusterLoadAssignment;
const RDS = TypeUrl.RouteConfiguration;

function secret(name: string, cert: string) {
  const bytes = encodeMessage(SDS, { name, tls_certificate: { certificate_chain: { inline_string: cert } } });
  return { name, entry: { version: contentVersion([[name, cert]]), bytes } };
}

function resource(typeUrl: string, name: string, tag: string) {
  const body: Record<string, Record<string, unknown>> = {
    [CDS]: { name, connect_timeout: { seconds: 1 }, alt_stat_name: tag },
    [LDS]: { name, stat_prefix: tag },
    [RDS]: { name, virtual_hosts: [{ name: tag, domains: ['*'] }] },
    [EDS]: { cluster_name: name, endpoints: [{ locality: { zone: tag } }] },
  };
  const bytes = encodeMessage(typeUrl, body[typeUrl]);
  return { version: contentVersion([[name, tag]]), bytes };
}

describe('xDS conformance over gRPC', () => {
  let store: ResourceStore;
  let registry: ProxyRegistry;
  let server: XdsGrpcServer;
  let lines: string[];
  let sds: grpc.Client;
  let ads: grpc.Client;
  let pod = 0;
  const open: TestStream[] = [];

  beforeEach(async () => {
    store = new ResourceStore();
    registry = new ProxyRegistry('replica-test');
    lines = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    server = new XdsGrpcServer({
      host: '127.0.0.1',
      plainPort: 0,
      policy: {
        trustDomain: 'cluster.local',
        bootstrapTokens: new Map([
          ['tok-istio', NS],
          ['tok-team-a', 'team-a'],
        ]),
      },
      store,
      registry,
      metrics: createXdsMetrics(new Registry()),
      logger: createLogger({ service: 'sds-server', level: 'info', destination }),
    });
    const { plain } = await server.start();
    sds = new (SdsClient())(`127.0.0.1:${plain}`, grpc.credentials.createInsecure());
    ads = new (AdsClient())(`127.0.0.1:${plain}`, grpc.credentials.createInsecure());
  });

  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    sds.close();
    ads.close();
    await server.stop();
  });

  const node = () => envoyNode(NS, `gw-${++pod}`, LABELS);
  const call = (client: grpc.Client, method: string): TestStream => {
    const s = new TestStream((client as any)[method](bearer('tok-istio')));
    open.push(s);
    return s;
  };
  const variants = [
    { name: 'StreamSecrets', client: () => sds, method: 'StreamSecrets', delta: false, typeUrl: '' },
    { name: 'DeltaSecrets', client: () => sds, method: 'DeltaSecrets', delta: true, typeUrl: '' },
    {
      name: 'ADS (SotW)',
      client: () => ads,
      method: 'StreamAggregatedResources',
      delta: false,
      typeUrl: SDS,
    },
    { name: 'ADS (Delta)', client: () => ads, method: 'DeltaAggregatedResources', delta: true, typeUrl: SDS },
  ];

  /** Request builders that hide the SotW/Delta difference where a rule is the same in both. */
  function speaker(v: (typeof variants)[number]) {
    return {
      subscribe: (names: string[], extra: object = {}) =>
        v.delta
          ? { type_url: v.typeUrl, resource_names_subscribe: names, ...extra }
          : { type_url: v.typeUrl, resource_names: names, ...extra },
      ack: (r: any, names: string[]) =>
        v.delta
          ? { type_url: v.typeUrl, response_nonce: r.nonce }
          : {
              type_url: v.typeUrl,
              resource_names: names,
              version_info: r.version_info,
              response_nonce: r.nonce,
            },
      nack: (r: any, names: string[]) =>
        v.delta
          ? { type_url: v.typeUrl, response_nonce: r.nonce, error_detail: { code: 3, message: 'bad secret' } }
          : {
              type_url: v.typeUrl,
              resource_names: names,
              version_info: '',
              response_nonce: r.nonce,
              error_detail: { code: 3, message: 'bad secret' },
            },
      names: (r: any): string[] =>
        v.delta
          ? r.resources.map((x: any) => x.name)
          : r.resources.map((x: any) => decodeSecretName(x.value)),
      version: (r: any): string => (v.delta ? r.system_version_info : r.version_info),
    };
  }

  it("an impostor with another namespace's node id cannot change or remove that proxy's record", async () => {
    store.putSecret(NS, [secret(CRED, 'cert-1')]);
    const victimNode = envoyNode(NS, 'victim-gw', LABELS) as { id: string };
    const victim = call(sds, 'StreamSecrets').send({
      node: victimNode,
      type_url: SDS,
      resource_names: [CRED],
    });
    await victim.next();
    await waitFor(() => registry.records().length === 1, { what: 'the victim registered' });
    const before = registry.records()[0];
    // A team-a token, a team-a node whose id is the victim's.
    const impostorNode = { ...(envoyNode('team-a', 'x', LABELS) as object), id: victimNode.id };
    const impostor = new TestStream((sds as any).StreamSecrets(bearer('tok-team-a')));
    open.push(impostor);
    impostor.send({ node: impostorNode, type_url: SDS, resource_names: ['kubernetes://other'] });
    await waitFor(() => registry.records().length === 2, {
      what: 'the impostor kept apart',
      timeoutMs: 3000,
    });
    const victimRecord = () =>
      registry.records().find((r) => r.namespace === NS && r.nodeId === victimNode.id);
    expect(victimRecord()).toMatchObject({ namespace: NS, groupId: before.groupId, streams: 1 });
    impostor.close();
    await waitFor(() => registry.records().length === 1, { what: 'the impostor gone' });
    expect(victimRecord()).toMatchObject({ namespace: NS, groupId: before.groupId, streams: 1 });
  });

  describe.each(variants)('$name', (v) => {
    const say = speaker(v);

    it('holds a request for a secret that does not exist yet and pushes it when it appears', async () => {
      const s = call(v.client(), v.method).send({ node: node(), ...say.subscribe([CRED]) });
      store.putSecret(NS, [secret('kubernetes://unrelated', 'x')]);
      store.putSecret(NS, [secret(CRED, 'cert-1')]);
      const r = await s.next();
      expect(say.names(r)).toEqual([CRED]);
      expect(r.type_url).toBe(SDS);
      await waitFor(() => lines.some((l) => l.includes(`pushed ${CRED} to router~127.0.0.1~gw-`)), {
        what: 'the push log line',
      });
    });

    it('an ACK is quiet; a NACK is recorded and not answered with the same content', async () => {
      store.putSecret(NS, [secret(CRED, 'cert-1')]);
      const s = call(v.client(), v.method).send({ node: node(), ...say.subscribe([CRED]) });
      const r1 = await s.next();
      s.send(say.ack(r1, [CRED]));
      store.putSecret(NS, [secret(CRED, 'cert-2')]);
      // The next thing the client sees is the change: nothing answered the ACK.
      const r2 = await s.next();
      expect(say.version(r2)).not.toBe(say.version(r1));
      s.send(say.nack(r2, [CRED]));
      await waitFor(() => registry.records()[0]?.lastNack, { what: 'the NACK in the registry' });
      expect(registry.records()[0].lastNack).toMatchObject({
        typeUrl: SDS,
        version: say.version(r2),
        message: 'bad secret',
      });
      store.putSecret(NS, [secret(CRED, 'cert-3')]);
      const r3 = await s.next();
      expect(say.version(r3)).not.toBe(say.version(r2));
      expect(s.pending).toBe(0);
    });

    it('a hostile NACK (512 KiB of private-key headers) is cut before it is stored or logged, and delays no other proxy', async () => {
      store.putSecret(NS, [secret(CRED, 'cert-1')]);
      const attacker = call(v.client(), v.method).send({ node: node(), ...say.subscribe([CRED]) });
      const r1 = await attacker.next();
      const flood = '-----BEGIN PRIVATE KEY-----\n'.repeat((512 * 1024) / 28);
      const nack = say.nack(r1, [CRED]) as { error_detail: { message: string } };
      nack.error_detail.message = flood;
      attacker.send(nack);
      await waitFor(() => registry.records().find((r) => r.lastNack)?.lastNack, {
        what: 'the NACK recorded',
      });
      const stored = registry.records().find((r) => r.lastNack)!.lastNack!.message;
      expect(stored.length).toBeLessThan(1200);
      const started = performance.now();
      const victim = call(v.client(), v.method).send({ node: node(), ...say.subscribe([CRED]) });
      expect(say.names(await victim.next())).toEqual([CRED]);
      // Before the fix: 3-5 s (quadratic redaction of the whole message on the log line).
      expect(performance.now() - started).toBeLessThan(1000);
      const logged = lines.find((l) => l.includes('NACK from'))!;
      expect(logged.length).toBeLessThan(2000);
      expect(logged).not.toContain('BEGIN PRIVATE KEY');
      expect(() => JSON.parse(logged)).not.toThrow();
    });

    it('ignores a stale nonce', async () => {
      store.putSecret(NS, [secret(CRED, 'cert-1')]);
      const s = call(v.client(), v.method).send({ node: node(), ...say.subscribe([CRED]) });
      const r1 = await s.next();
      store.putSecret(NS, [secret(CRED, 'cert-2')]);
      const r2 = await s.next();
      s.send(say.ack(r1, [CRED])); // answers the older response
      s.send(say.ack(r2, [CRED]));
      await waitFor(() => registry.records()[0]?.acked[SDS], { what: 'the ACK' });
      expect(registry.records()[0].acked[SDS]).toBe(say.version(r2));
    });

    it('subscriptions grow and shrink; subscribing again resends', async () => {
      store.putSecret(NS, [secret('kubernetes://a', 'a1'), secret('kubernetes://b', 'b1')]);
      const s = call(v.client(), v.method).send({ node: node(), ...say.subscribe(['kubernetes://a']) });
      const r1 = await s.next();
      expect(say.names(r1)).toEqual(['kubernetes://a']);
      // Grow.
      s.send(
        v.delta
          ? { type_url: v.typeUrl, response_nonce: r1.nonce, resource_names_subscribe: ['kubernetes://b'] }
          : { ...say.ack(r1, ['kubernetes://a', 'kubernetes://b']) },
      );
      const r2 = await s.next();
      expect(say.names(r2)).toEqual(v.delta ? ['kubernetes://b'] : ['kubernetes://a', 'kubernetes://b']);
      // Shrink (quiet), then subscribe again: it is resent.
      s.send(
        v.delta
          ? { type_url: v.typeUrl, response_nonce: r2.nonce, resource_names_unsubscribe: ['kubernetes://b'] }
          : say.ack(r2, ['kubernetes://a']),
      );
      s.send(
        v.delta
          ? { type_url: v.typeUrl, resource_names_subscribe: ['kubernetes://b'] }
          : say.ack(r2, ['kubernetes://a', 'kubernetes://b']),
      );
      const r3 = await s.next();
      expect(say.names(r3)).toContain('kubernetes://b');
    });

    it('an empty name list after names means none', async () => {
      store.putSecret(NS, [secret(CRED, 'cert-1')]);
      const s = call(v.client(), v.method).send({ node: node(), ...say.subscribe([CRED]) });
      const r1 = await s.next();
      s.send(
        v.delta
          ? { type_url: v.typeUrl, response_nonce: r1.nonce, resource_names_unsubscribe: [CRED] }
          : say.ack(r1, []),
      );
      await waitFor(() => registry.records()[0]?.acked[SDS], { what: 'the ACK' });
      store.putSecret(NS, [secret(CRED, 'cert-2')]);
      // A second, named secret proves the stream is alive and only it is pushed.
      s.send(v.delta ? say.subscribe(['kubernetes://probe']) : say.ack(r1, ['kubernetes://probe']));
      store.putSecret(NS, [secret('kubernetes://probe', 'p')]);
      const r2 = await s.next();
      expect(say.names(r2)).toEqual(['kubernetes://probe']);
    });

    it('reads the node from the first request only and registers the proxy until the stream closes', async () => {
      store.putSecret(NS, [secret(CRED, 'c')]);
      const s = call(v.client(), v.method).send({ node: node(), ...say.subscribe([CRED]) });
      const r = await s.next();
      s.send({ ...say.ack(r, [CRED]), node: envoyNode('other-namespace', 'x') });
      await waitFor(() => registry.records()[0]?.acked[SDS], { what: 'the ACK' });
      expect(registry.records()).toHaveLength(1);
      expect(registry.records()[0]).toMatchObject({ namespace: NS, groupId: GROUP, streams: 1 });
      s.close();
      await waitFor(() => server.hub.size === 0 && registry.records().length === 0, {
        what: 'the stream to go',
      });
      expect(server.hub.scopeCount).toBe(0);
      expect(server.connections.size).toBe(0);
    });

    it('drops requests for secrets of another namespace', async () => {
      store.putSecret('team-b', [secret('kubernetes://team-b/theirs', 'x')]);
      store.putSecret(NS, [secret(CRED, 'c')]);
      const s = call(v.client(), v.method).send({
        node: node(),
        ...say.subscribe(['kubernetes://team-b/theirs', `kubernetes://${NS}/httpbin-credential`]),
      });
      store.putSecret(NS, [secret(`kubernetes://${NS}/httpbin-credential`, 'c')]);
      const r = await s.next();
      expect(say.names(r)).toEqual([`kubernetes://${NS}/httpbin-credential`]);
      expect(lines.some((l) => l.includes('dropped request for kubernetes://team-b/theirs'))).toBe(true);
    });
  });

  it.each([
    { label: 'an existing secret', names: [CRED], code: undefined, got: [CRED] },
    {
      label: 'a secret that does not exist',
      names: ['kubernetes://missing'],
      code: grpc.status.NOT_FOUND,
      got: [],
    },
    {
      label: "another namespace's secret",
      names: ['kubernetes://team-b/x'],
      code: grpc.status.NOT_FOUND,
      got: [],
    },
  ])('FetchSecrets: $label', async ({ names, code, got }) => {
    store.putSecret(NS, [secret(CRED, 'c')]);
    store.putSecret('team-b', [secret('kubernetes://team-b/x', 'x')]);
    const outcome = await new Promise<{ code?: number; names: string[] }>((resolve) =>
      (sds as any).FetchSecrets(
        { node: envoyNode(NS, 'gw-fetch', LABELS), resource_names: names },
        bearer('tok-istio'),
        (err: grpc.ServiceError | null, r: any) =>
          resolve({
            code: err?.code,
            names: r ? r.resources.map((x: any) => decodeSecretName(x.value)) : [],
          }),
      ),
    );
    expect(outcome).toEqual({ code, names: got });
  });

  it.each([
    ['StreamAggregatedResources', { node: envoyNode(NS, 'gw-x', LABELS), resource_names: [] }],
    ['DeltaAggregatedResources', { node: envoyNode(NS, 'gw-x', LABELS) }],
  ])('%s fails a request without type_url with INVALID_ARGUMENT', async (method, request) => {
    const s = call(ads, method).send(request);
    const status = await s.status();
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    await expect(s.next()).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('pushes several changed types in the order CDS, EDS, LDS, RDS, SDS (SotW ADS)', async () => {
    const s = call(ads, 'StreamAggregatedResources');
    s.send({ node: envoyNode(NS, 'gw-order', LABELS), type_url: SDS, resource_names: [CRED] });
    s.send({ type_url: RDS, resource_names: ['http.8080'] });
    s.send({ type_url: LDS, resource_names: [] });
    const lds = await s.next(); // the first wildcard request is answered, even empty
    expect(lds.type_url).toBe(LDS);
    s.send({ type_url: LDS, resource_names: [], version_info: lds.version_info, response_nonce: lds.nonce });
    s.send({ type_url: EDS, resource_names: ['outbound|80||httpbin'] });
    s.send({ type_url: CDS, resource_names: [] });
    const cds = await s.next();
    expect(cds.type_url).toBe(CDS);
    s.send({ type_url: CDS, resource_names: [], version_info: cds.version_info, response_nonce: cds.nonce });
    await waitFor(() => registry.records()[0]?.acked[CDS] !== undefined, { what: 'the CDS ACK' });
    store.transaction(() => {
      store.putSecret(NS, [secret(CRED, 'c1')]);
      store.putResource(GROUP, RDS, 'http.8080', resource(RDS, 'http.8080', 'r1'));
      store.putResource(GROUP, LDS, '0.0.0.0_8080', resource(LDS, '0.0.0.0_8080', 'l1'));
      store.putResource(GROUP, EDS, 'outbound|80||httpbin', resource(EDS, 'outbound|80||httpbin', 'e1'));
      store.putResource(GROUP, CDS, 'outbound|80||httpbin', resource(CDS, 'outbound|80||httpbin', 'c1'));
    });
    const order = [];
    for (let i = 0; i < 5; i++) order.push((await s.next()).type_url);
    expect(order).toEqual([CDS, EDS, LDS, RDS, SDS]);
  });

  it('Delta ADS: removed_resources for deleted resources that were sent, none for ones that never existed', async () => {
    store.putResource(GROUP, CDS, 'c1', resource(CDS, 'c1', 't1'));
    store.putResource(GROUP, CDS, 'c2', resource(CDS, 'c2', 't1'));
    const s = call(ads, 'DeltaAggregatedResources').send({
      node: envoyNode(NS, 'gw-delta', LABELS),
      type_url: CDS,
      resource_names_subscribe: ['*'],
    });
    const r1 = await s.next();
    expect(r1.resources.map((x: any) => x.name)).toEqual(['c1', 'c2']);
    s.send({ type_url: SDS, resource_names_subscribe: ['kubernetes://never'] });
    store.deleteResource(GROUP, CDS, 'c2');
    const r2 = await s.next();
    expect(r2).toMatchObject({ type_url: CDS, removed_resources: ['c2'], resources: [] });
    store.deleteSecret(NS, ['kubernetes://never']);
    store.putResource(GROUP, CDS, 'c3', resource(CDS, 'c3', 't1'));
    const r3 = await s.next();
    expect(r3).toMatchObject({ type_url: CDS, removed_resources: [] });
  });

  it('Delta ADS: initial_resource_versions on reconnect sends only what differs', async () => {
    const c1 = resource(CDS, 'c1', 't1');
    const c2 = resource(CDS, 'c2', 't2');
    store.putResource(GROUP, CDS, 'c1', c1);
    store.putResource(GROUP, CDS, 'c2', c2);
    const s = call(ads, 'DeltaAggregatedResources').send({
      node: envoyNode(NS, 'gw-reconnect', LABELS),
      type_url: CDS,
      initial_resource_versions: { c1: c1.version, c2: 'old', gone: 'v0' },
    });
    const r = await s.next();
    expect(r.resources.map((x: any) => x.name)).toEqual(['c2']);
    expect(r.removed_resources).toEqual(['gone']);
  });

  it('a client that stops reading holds up nobody and later gets the latest state, coalesced', async () => {
    const big = (rev: number) => {
      const name = CRED;
      const bytes = encodeMessage(SDS, {
        name,
        tls_certificate: { certificate_chain: { inline_string: `rev-${rev}:`.padEnd(512 * 1024, 'x') } },
      });
      return [{ name, entry: { version: contentVersion([[name, String(rev)]]), bytes } }];
    };
    store.putSecret(NS, big(0));
    const slow = call(sds, 'StreamSecrets').send({ node: node(), resource_names: [CRED] });
    const fast = call(sds, 'StreamSecrets').send({ node: node(), resource_names: [CRED] });
    await fast.next();
    slow.call.pause(); // the slow proxy stops reading; once its buffers and window fill, writes stay unflushed
    let rev = 0;
    while (server.hub.pausedCount === 0 && rev < 80) {
      rev += 1;
      store.putSecret(NS, big(rev));
      // The fast proxy gets every revision, whatever the slow one does.
      expect(decodeChainPrefix(await fast.next())).toBe(`rev-${rev}:`);
    }
    expect(server.hub.pausedCount).toBe(1);
    for (const extra of [1, 2, 3]) {
      store.putSecret(NS, big(rev + extra));
      expect(decodeChainPrefix(await fast.next())).toBe(`rev-${rev + extra}:`);
    }
    const latest = `rev-${rev + 3}:`;
    slow.call.resume();
    const seen: string[] = [];
    while (seen.at(-1) !== latest) seen.push(decodeChainPrefix(await slow.next(5000)));
    // The three revisions pushed while it was paused arrive as one: the current state.
    expect(seen.slice(-2)[0]).not.toBe(`rev-${rev + 2}:`);
    expect(seen.length).toBeLessThan(rev + 4);
    await waitFor(() => server.hub.pausedCount === 0, { what: 'the slow stream to resume' });
  }, 30_000);

  it('Delta ADS: splits 6 MiB of clusters into messages a default gRPC client accepts', async () => {
    store.transaction(() => {
      for (let i = 0; i < 6; i++) {
        const name = `big-${i}`;
        const bytes = encodeMessage(CDS, { name, alt_stat_name: 'x'.repeat(1024 * 1024) });
        store.putResource(GROUP, CDS, name, { version: contentVersion([[name, String(i)]]), bytes });
      }
    });
    const s = call(ads, 'DeltaAggregatedResources').send({
      node: envoyNode(NS, 'gw-big', LABELS),
      type_url: CDS,
    });
    const names: string[] = [];
    while (names.length < 6) names.push(...(await s.next(10_000)).resources.map((x: any) => x.name));
    expect(names).toEqual(['big-0', 'big-1', 'big-2', 'big-3', 'big-4', 'big-5']);
  });
});

function decodeChainPrefix(response: { resources: { value: Buffer }[] }): string {
  const secret = decodeMessage(SDS, response.resources[0].value) as {
    tls_certificate: { certificate_chain: { inline_string: string } };
  };
  return secret.tls_certificate.certificate_chain.inline_string.split(':')[0] + ':';
}

function decodeSecretName(bytes: Buffer): string {
  // Field 1 of Secret is its name: tag 0x0a, a one-byte length for short names.
  return bytes.subarray(2, 2 + bytes[1]).toString('utf8');
}
