import { createHash, randomBytes } from 'node:crypto';
import { Controller, Inject, Module, type DynamicModule } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  applyRoutingRequest,
  applySecretRequest,
  errorReply,
  issueRequest,
  okReply,
  SECRET_APPLY_AAD,
  Subjects,
  type ApplyRoutingResult,
  type CommandReply,
} from '#keyway/contracts';
import type { Keyring } from '#keyway/key-material';

/**
 * Test double for the services the api forwards to: real NATS request/reply in Nest's wire
 * format, state in memory. It opens sealed Secrets with the shared data key as the secret-watcher
 * would, and seals issued keys as the ca would, so the api's envelope handling is exercised for
 * real. Used by the api's and the CLI's integration tests; never by a service.
 */
type Obj = Record<string, any>;

export const FAKE_KEY_PEM =
  '-----BEGIN PRIVATE KEY-----\nZmFrZS1rZXktZm9yLXRlc3Rz\n-----END PRIVATE KEY-----\n';
const fakeCert = (label: string) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(`fake certificate ${label}`).toString('base64')}\n-----END CERTIFICATE-----\n`;
const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export class FakeState {
  readonly secrets = new Map<string, { summary: Obj; manifest: Obj }>();
  readonly history = new Map<string, Obj[]>();
  readonly routing = new Map<string, Obj>();
  readonly certificates = new Map<string, Obj>();
  readonly authorities = new Map<string, Obj>();
  readonly policies = new Map<string, Obj>();
  /** Every request each subject received, for assertions on payload shape. */
  readonly received: Array<{ subject: string; payload: Obj }> = [];
  /** Secret applies answered only once this settles (when set), and how many waited at once. */
  secretApplyGate?: Promise<void>;
  readonly secretApplies = { inFlight: 0, most: 0 };
}

function reply<T>(f: () => CommandReply<T>): CommandReply<T> {
  try {
    return f();
  } catch (e) {
    return errorReply('internal', (e as Error).message);
  }
}

@Controller()
class FakeHandlers {
  constructor(
    @Inject(FakeState) private readonly state: FakeState,
    @Inject('KEYRING') private readonly keyring: Keyring,
  ) {}

  #seen(subject: string, payload: Obj): void {
    this.state.received.push({ subject, payload });
  }

  @MessagePattern(Subjects.secrets.apply)
  async secretApply(@Payload() p: Obj) {
    this.#seen(Subjects.secrets.apply, p);
    const counts = this.state.secretApplies;
    counts.most = Math.max(counts.most, ++counts.inFlight);
    await this.state.secretApplyGate;
    counts.inFlight -= 1;
    return reply(() => {
      const v = applySecretRequest.safeParse(p);
      if (!v.success) return errorReply('invalid', 'bad payload');
      const manifest = JSON.parse(
        this.keyring.open(v.data.sealedManifest, SECRET_APPLY_AAD).toString('utf8'),
      ) as Obj;
      const { namespace, name } = manifest.metadata;
      if (name === 'conflicting')
        return errorReply('conflict', `Secret/${namespace}/${name}: changed meanwhile`);
      if (name === 'bad-cert')
        return errorReply('invalid', `Secret/${namespace}/${name}: rejected`, [
          {
            code: 'invalid',
            resource: `Secret/${namespace}/${name}`,
            field: 'data.cert',
            message: 'not a PEM certificate',
          },
        ]);
      const key = `${namespace}/${name}`;
      const old = this.state.secrets.get(key);
      const contentHash = hash(manifest.data ?? manifest.stringData ?? {});
      const outcome = !old ? 'created' : old.summary.contentHash === contentHash ? 'unchanged' : 'updated';
      const revision = (old?.summary.revision ?? 0) + (outcome === 'unchanged' ? 0 : 1);
      const now = new Date().toISOString();
      const summary = {
        namespace,
        name,
        type: manifest.type ?? 'Opaque',
        keys: Object.keys({ ...manifest.data, ...manifest.stringData }).sort(),
        source: 'api',
        revision,
        contentHash,
        createdAt: old?.summary.createdAt ?? now,
        updatedAt: now,
      };
      this.state.secrets.set(key, { summary, manifest });
      if (outcome !== 'unchanged') this.#audit(namespace, name, revision, outcome, v.data.actor.name);
      return okReply({ namespace, name, outcome, revision, contentHash, warnings: [] });
    });
  }

  #audit(namespace: string, name: string, revision: number, action: string, actor: string): void {
    const rows = this.state.history.get(`${namespace}/${name}`) ?? [];
    rows.push({
      namespace,
      name,
      revision,
      action,
      source: 'api',
      actor,
      leafSerial: `0${revision}`,
      sans: [],
      caFingerprints: [],
      recordedAt: new Date().toISOString(),
      reason: null,
      rowHash: hash([namespace, name, revision]),
    });
    this.state.history.set(`${namespace}/${name}`, rows);
  }

  @MessagePattern(Subjects.secrets.get)
  secretGet(@Payload() p: Obj) {
    const s = this.state.secrets.get(`${p.namespace}/${p.name}`);
    return s ? okReply(s.summary) : errorReply('not_found', `Secret/${p.namespace}/${p.name} not found`);
  }

  @MessagePattern(Subjects.secrets.list)
  secretList(@Payload() p: Obj) {
    this.#seen(Subjects.secrets.list, p);
    const all = [...this.state.secrets.values()]
      .map((s) => s.summary)
      .filter((s) => !p.namespace || s.namespace === p.namespace);
    // Pages as the secret-watcher's do: `limit` items from the offset in `cursor`.
    const page = (p.page ?? {}) as { limit?: number; cursor?: string };
    const start = Number(page.cursor ?? 0);
    const limit = page.limit ?? 100;
    const next = start + limit < all.length ? { next: String(start + limit) } : {};
    return okReply({ items: all.slice(start, start + limit), ...next });
  }

  @MessagePattern(Subjects.secrets.delete)
  secretDelete(@Payload() p: Obj) {
    const key = `${p.namespace}/${p.name}`;
    if (!this.state.secrets.delete(key))
      return p.ignoreNotFound
        ? okReply({ deleted: false })
        : errorReply('not_found', `Secret/${key} not found`);
    return okReply({ deleted: true });
  }

  @MessagePattern(Subjects.routing.apply)
  routingApply(@Payload() p: Obj) {
    this.#seen(Subjects.routing.apply, p);
    const v = applyRoutingRequest.safeParse(p);
    if (!v.success) return errorReply('invalid', 'bad payload');
    const m = v.data.manifest as Obj;
    const id = `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`;
    if (m.kind === 'Gateway' && !Array.isArray(m.spec.servers))
      return errorReply('invalid', `${id}: invalid`, [
        { code: 'required', resource: id, field: 'spec.servers', message: 'at least one server is required' },
      ]);
    const old = this.state.routing.get(id);
    this.state.routing.set(id, m);
    const outcome = !old ? 'created' : hash(old) === hash(m) ? 'unchanged' : 'updated';
    return okReply({
      kind: m.kind,
      namespace: m.metadata.namespace,
      name: m.metadata.name,
      source: 'api',
      outcome,
    } satisfies ApplyRoutingResult);
  }

  @MessagePattern(Subjects.routing.get)
  routingGet(@Payload() p: Obj) {
    const m = this.state.routing.get(`${p.kind}/${p.namespace}/${p.name}`);
    return m
      ? okReply({ manifest: m, status: { accepted: true } })
      : errorReply('not_found', `${p.kind}/${p.namespace}/${p.name} not found`);
  }

  @MessagePattern(Subjects.routing.list)
  routingList(@Payload() p: Obj) {
    const items = [...this.state.routing.values()].filter(
      (m) => m.kind === p.kind && (!p.namespace || m.metadata.namespace === p.namespace),
    );
    return okReply({ items: items.map((manifest) => ({ manifest })) });
  }

  @MessagePattern(Subjects.routing.delete)
  routingDelete(@Payload() p: Obj) {
    const id = `${p.kind}/${p.namespace}/${p.name}`;
    if (!this.state.routing.delete(id))
      return p.ignoreNotFound ? okReply({ deleted: false }) : errorReply('not_found', `${id} not found`);
    return okReply({ deleted: true });
  }

  @MessagePattern(Subjects.routing.status)
  routingStatus(@Payload() p: Obj) {
    const items = [...this.state.routing.values()]
      .filter((m) => (!p.namespace || m.metadata.namespace === p.namespace) && (!p.kind || m.kind === p.kind))
      .map((m) => ({
        resource: `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`,
        accepted: true,
        conditions: [],
      }));
    return okReply(items);
  }

  @MessagePattern(Subjects.ca.certificates.apply)
  certApply(@Payload() p: Obj) {
    const c = p.certificate;
    this.state.certificates.set(`${c.namespace}/${c.name}`, c);
    return okReply({ namespace: c.namespace, name: c.name, ready: false, failures: 0 });
  }

  @MessagePattern(Subjects.ca.certificates.get)
  certGet(@Payload() p: Obj) {
    const c = this.state.certificates.get(`${p.namespace}/${p.name}`);
    return c
      ? okReply({ namespace: c.namespace, name: c.name, ready: true, failures: 0 })
      : errorReply('not_found', `Certificate/${p.namespace}/${p.name} not found`);
  }

  @MessagePattern(Subjects.ca.certificates.list)
  certList(@Payload() p: Obj) {
    return okReply(
      [...this.state.certificates.values()]
        .filter((c) => !p.namespace || c.namespace === p.namespace)
        .map((c) => ({ namespace: c.namespace, name: c.name, ready: true, failures: 0 })),
    );
  }

  @MessagePattern(Subjects.ca.certificates.delete)
  certDelete(@Payload() p: Obj) {
    const key = `${p.namespace}/${p.name}`;
    return this.state.certificates.delete(key)
      ? okReply({ namespace: p.namespace, name: p.name, deleted: true })
      : errorReply('not_found', `Certificate/${key} not found`);
  }

  @MessagePattern(Subjects.ca.createRoot)
  createRoot(@Payload() p: Obj) {
    return this.#authority(p, 'root');
  }

  @MessagePattern(Subjects.ca.createIntermediate)
  createIntermediate(@Payload() p: Obj) {
    return this.#authority(p, 'intermediate');
  }

  #authority(p: Obj, kind: 'root' | 'intermediate') {
    if (this.state.authorities.has(p.name)) return errorReply('conflict', `CA ${p.name} exists`);
    const parent = kind === 'intermediate' ? this.state.authorities.get(p.parent) : undefined;
    if (kind === 'intermediate' && !parent) return errorReply('not_found', `CA ${p.parent} not found`);
    const a = {
      name: p.name,
      parent: parent?.name ?? null,
      kind,
      subject: `CN=${p.commonName}`,
      serial: randomBytes(8).toString('hex'),
      fingerprint: hash(p.name),
      keyType: 'ecdsa-p256',
      notBefore: new Date().toISOString(),
      notAfter: new Date(Date.now() + 3600_000).toISOString(),
      certificatePem: fakeCert(p.name),
      chainPem: parent ? parent.certificatePem + parent.chainPem : '',
      crlNumber: 1,
    };
    this.state.authorities.set(p.name, a);
    return okReply(a);
  }

  @MessagePattern(Subjects.ca.list)
  caList() {
    return okReply([...this.state.authorities.values()]);
  }

  @MessagePattern(Subjects.ca.issue)
  issue(@Payload() p: Obj) {
    this.#seen(Subjects.ca.issue, p);
    const v = issueRequest.safeParse(p);
    if (!v.success) return errorReply('invalid', 'bad payload');
    const team = v.data.actor.team;
    // Stands in for the ca's policy: no team, no policy; a team's stored policies list its
    // issuers and domains; a team without any may issue only under <team>.example.
    if (!team) return errorReply('forbidden', 'policy: no CA policy applies to the caller');
    const policies = [...this.state.policies.values()].filter((x) => x.team === team);
    const allowed =
      policies.length > 0
        ? policies.some(
            (x) =>
              x.issuers.includes(v.data.issuer) && v.data.sans.dns.every((d) => x.allowedDomains.includes(d)),
          )
        : v.data.sans.dns.every((d) => d.endsWith(`.${team}.example`));
    if (!allowed)
      return errorReply('forbidden', `team ${team} may not issue for ${v.data.sans.dns.join(', ')}`);
    if (!this.state.authorities.has(v.data.issuer))
      return errorReply('not_found', `CA ${v.data.issuer} not found`);
    const serial = randomBytes(10).toString('hex');
    return okReply({
      serial,
      certificatePem: fakeCert(`${v.data.commonName} ${v.data.usage}`),
      chainPem: this.state.authorities.get(v.data.issuer)!.certificatePem,
      caBundlePem: '',
      notBefore: new Date().toISOString(),
      notAfter: new Date(Date.now() + 3600_000).toISOString(),
      sealedPrivateKey: this.keyring.seal(FAKE_KEY_PEM, serial),
    });
  }

  @MessagePattern(Subjects.ca.policies.apply)
  applyPolicy(@Payload() p: Obj) {
    this.state.policies.set(`${p.policy.team}/${p.policy.name}`, p.policy);
    return okReply(p.policy);
  }

  @MessagePattern(Subjects.ca.policies.list)
  listPolicies(@Payload() p: Obj) {
    return okReply([...this.state.policies.values()].filter((x) => !p.team || x.team === p.team));
  }

  @MessagePattern(Subjects.ca.revoke)
  revoke(@Payload() p: Obj) {
    return okReply({
      serial: p.serial,
      issuer: 'fake-int',
      revokedAt: new Date().toISOString(),
      reason: p.reason,
      crlNumber: 2,
    });
  }

  @MessagePattern(Subjects.credentials.history)
  history(@Payload() p: Obj) {
    return okReply({ items: this.state.history.get(`${p.namespace}/${p.name}`) ?? [] });
  }

  @MessagePattern(Subjects.credentials.version)
  version(@Payload() p: Obj) {
    const row = (this.state.history.get(`${p.namespace}/${p.name}`) ?? []).find(
      (r) => r.revision === p.revision,
    );
    return row
      ? okReply(row)
      : errorReply('not_found', `${p.namespace}/${p.name} revision ${p.revision} not found`);
  }

  @MessagePattern(Subjects.credentials.list)
  credentials(@Payload() p: Obj) {
    return okReply(
      [...this.state.secrets.values()]
        .filter((s) => s.summary.namespace === p.namespace)
        .map((s) => s.summary),
    );
  }

  @MessagePattern(Subjects.audit.verify)
  verify() {
    const rows = [...this.state.history.values()];
    return okReply({ checkedCredentials: rows.length, checkedRows: rows.flat().length, ok: true });
  }

  @MessagePattern(Subjects.ca.verifyRecords)
  verifyCaRecords() {
    return okReply({ ok: true, checkedRows: 0, headHash: null });
  }

  @MessagePattern(Subjects.proxies.status)
  proxies() {
    return okReply([
      {
        nodeId: 'router~127.0.0.1~istio-ingressgateway-local-0.istio-system~istio-system.svc.cluster.local',
        namespace: 'istio-system',
        groupId: 'g-0123456789abcdef',
        replica: 'sds-1',
        types: {
          'type.googleapis.com/envoy.config.listener.v3.Listener': {
            acked: 'a',
            current: 'a',
            status: 'SYNCED',
          },
        },
      },
      {
        nodeId: 'router~10.0.0.9~other.team-b~team-b.svc.cluster.local',
        namespace: 'team-b',
        groupId: 'g-fedcba9876543210',
        replica: 'sds-1',
        types: {},
      },
    ]);
  }
}

@Module({})
export class FakeServicesModule {
  static register(state: FakeState, keyring: Keyring): DynamicModule {
    return {
      module: FakeServicesModule,
      controllers: [FakeHandlers],
      providers: [
        { provide: FakeState, useValue: state },
        { provide: 'KEYRING', useValue: keyring },
      ],
    };
  }
}
