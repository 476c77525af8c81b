// Test-only: a private NATS, the service booted as a Nest microservice, certificates and manifests.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  Buckets,
  SECRET_APPLY_AAD,
  Subjects,
  credentialRecord,
  type CredentialRecord,
} from '#keyway/contracts';
import { privateNats as privateNatsServer, waitFor } from '#keyway/testing';
import { Keyring } from '#keyway/key-material';
import { CommandClient, natsTransport, watchBucket, type KvWatch } from '#keyway/messaging';
import { createLogger } from '#keyway/observability';
import { Issuer, generateKeyPair, issueCertificate } from '#keyway/pki';
import { secretWatcherConfig } from '../config.js';
import { RUNTIME, SecretWatcherModule } from '../secret-watcher.module.js';
import type { SecretWatcherRuntime } from '../runtime.js';

/** A NATS server of the test's own: no other test's services answer the secret-watcher subjects. */
export const privateNats = () => privateNatsServer('keyway-sw-nats');

export interface BootedService {
  app: INestMicroservice;
  runtime: SecretWatcherRuntime;
  close(): Promise<void>;
}

export async function bootService(env: Record<string, string>): Promise<BootedService> {
  const config = secretWatcherConfig.load({ OPS_PORT: '0', LOG_LEVEL: 'silent', ...env });
  const logger = createLogger({ service: 'secret-watcher', level: config.LOG_LEVEL, format: 'json' });
  const app = await NestFactory.createMicroservice(SecretWatcherModule.register(config, logger), {
    ...natsTransport({ url: config.NATS_URL, queue: 'secret-watcher' }),
    logger: false,
    abortOnError: false,
  });
  await app.listen();
  await untilSubscribed(config.NATS_URL);
  const runtime = app.get<SecretWatcherRuntime>(RUNTIME);
  return { app, runtime, close: () => app.close() };
}

/**
 * `listen` resolves before the NATS server has the service's subscriptions (they are not flushed), so
 * a request sent at once on another connection can find no responders: wait until one answers.
 */
async function untilSubscribed(url: string): Promise<void> {
  const nc = await connect({ servers: url.replace('nats://', '') });
  try {
    await waitFor(
      async () => {
        try {
          await nc.request(Subjects.secrets.list, JSON.stringify({ schemaVersion: 1, namespace: 'probe' }), {
            timeout: 2000,
          });
          return true;
        } catch (e) {
          return !/no responders/i.test(String(e));
        }
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
  } finally {
    await nc.close();
  }
}

/** Records every update of the credentials bucket under one namespace, in order. */
export class BucketRecorder {
  readonly events: Array<{ key: string; record?: CredentialRecord }> = [];
  #watch?: KvWatch;
  #nc?: NatsConnection;
  kv?: KV;

  async start(natsUrl: string, namespace: string): Promise<void> {
    this.#nc = await connect({ servers: natsUrl.replace('nats://', '') });
    this.kv = await new Kvm(this.#nc).open(Buckets.credentials);
    this.#watch = await watchBucket(
      this.kv,
      credentialRecord,
      {
        onEvent: (e) => void this.events.push({ key: e.key, record: e.kind === 'put' ? e.value : undefined }),
      },
      { key: `${namespace}.>` },
    );
    await this.#watch.ready;
  }

  last(key: string): CredentialRecord | undefined {
    return this.events.filter((e) => e.key === key).at(-1)?.record;
  }

  count(key: string): number {
    return this.events.filter((e) => e.key === key).length;
  }

  async stop(): Promise<void> {
    await this.#watch?.stop();
    await this.#nc?.close();
  }
}

export class Commands {
  readonly client: CommandClient;
  constructor(url: string) {
    this.client = new CommandClient({ url, timeoutMs: 15_000 });
  }
  send<T = any>(subject: string, payload: unknown) {
    return this.client.send<T>(subject, payload);
  }
  close() {
    return this.client.close();
  }
}

const DAY = 86_400_000;

export function testCa(name = 'sw test root'): Issuer {
  const keyPair = generateKeyPair('ecdsa-p256');
  const cert = issueCertificate({
    profile: 'root-ca',
    subject: { commonName: name },
    // Backdated, as CAs do, so a test clock taken before issuing still sees them valid.
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    keyPair,
  });
  return Issuer.from({ certificate: cert.pem, privateKey: keyPair.privateKey });
}

/** A fresh leaf for `host`: its chain PEM and key PEM (the key stays inside tests, never printed). */
export function leafFor(
  ca: Issuer,
  host = 'httpbin.example.com',
): { cert: string; key: string; fingerprint: string } {
  const r = issueCertificate({
    profile: 'server',
    subject: { commonName: host },
    sans: { dns: [host] },
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 90 * DAY),
    issuer: ca,
    keyType: 'ecdsa-p256',
  });
  return { cert: r.pem, key: r.keyPair!.privateKeyPem.reveal(), fingerprint: r.fingerprintSha256 };
}

export function tlsManifest(
  namespace: string,
  name: string,
  leaf: { cert: string; key: string },
  extra: Record<string, string> = {},
) {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': b64(leaf.cert),
      'tls.key': b64(leaf.key),
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, b64(v)])),
    },
  };
}

export function applyRequest(keyring: Keyring, manifest: unknown, actorName = 'alice') {
  return {
    schemaVersion: 1,
    sealedManifest: keyring.seal(JSON.stringify(manifest), SECRET_APPLY_AAD),
    actor: { kind: 'user', name: actorName, team: 'payments' },
  };
}
