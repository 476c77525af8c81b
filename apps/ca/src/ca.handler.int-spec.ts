import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { Subjects, type CommandReply, type IssuedCertificate } from '#keyway/contracts';
import { CommandClient, natsTransportServer } from '#keyway/messaging';
import { createLogger } from '#keyway/observability';
import {
  createThrowawayDatabase,
  natsUrlForTests,
  testDataKeys,
  type ThrowawayDatabase,
} from '#keyway/testing';
import { CaModule } from './ca.module.js';
import { caConfig } from './config.js';

// The NATS surface: the Nest microservice over real NATS and Postgres, driven by CommandClient.
let db: ThrowawayDatabase;
let app: INestMicroservice;
let client: CommandClient;
const admin = { kind: 'user', name: 'admin' };
const alice = { kind: 'user', name: 'alice', team: 'shop' };

beforeAll(async () => {
  db = await createThrowawayDatabase('keyway_ca_nats');
  const config = caConfig.load({
    NATS_URL: natsUrlForTests(),
    DATABASE_URL: db.url,
    OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    KEYWAY_DATA_KEYS: testDataKeys('d'),
    CA_MASTER_KEYS: testDataKeys('m'),
  });
  const logger = createLogger({ service: 'ca', level: 'silent', format: 'json' });
  const transport = natsTransportServer({ url: config.NATS_URL, queue: 'ca' });
  app = await NestFactory.createMicroservice(CaModule.register(config, logger, transport), {
    strategy: transport,
    logger: false,
  });
  await app.listen();
  client = new CommandClient({ url: config.NATS_URL });
  await client.connect();
}, 30_000);

afterAll(async () => {
  await client?.close();
  await app?.close();
  await db?.drop();
});

describe('keyway.ca.* over NATS', () => {
  it('builds a hierarchy, applies a policy, issues, refuses with reasons, revokes and serves the CRL', async () => {
    const root = await client.call<{ name: string; kind: string }>(Subjects.ca.createRoot, {
      schemaVersion: 1,
      name: 'root',
      commonName: 'nats test root',
      actor: admin,
    });
    expect(root).toMatchObject({ name: 'root', kind: 'root' });
    await client.call(Subjects.ca.createIntermediate, {
      schemaVersion: 1,
      name: 'shop-int',
      parent: 'root',
      commonName: 'shop int',
      ttl: '8760h',
      actor: admin,
    });
    expect(
      await client.call(Subjects.ca.policies.apply, {
        schemaVersion: 1,
        policy: {
          team: 'shop',
          name: 'web',
          issuers: ['shop-int'],
          allowedDomains: ['*.shop.example'],
          maxTtl: '720h',
          usages: ['server', 'client'],
        },
        actor: admin,
      }),
    ).toEqual({ team: 'shop', name: 'web', outcome: 'created' });

    const issued = await client.call<IssuedCertificate>(Subjects.ca.issue, {
      schemaVersion: 1,
      issuer: 'shop-int',
      sans: { dns: ['www.shop.example'] },
      actor: alice,
    });
    expect(issued.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(issued.sealedPrivateKey?.alg).toBe('A256GCM');

    const refused = await client.send(Subjects.ca.issue, {
      schemaVersion: 1,
      issuer: 'shop-int',
      sans: { dns: ['*.shop.example'] },
      ttl: '9000h',
      actor: alice,
    });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        errors: [
          {
            field: 'sans.dns[0]',
            message: '"*.shop.example" is a wildcard name and the policy does not allow wildcards',
          },
          { field: 'ttl', message: '9000h exceeds the maximum 720h' },
        ],
      },
    });

    const invalid = (await client.send(Subjects.ca.issue, {
      schemaVersion: 1,
      issuer: 'shop-int',
      sans: {},
      keyType: 'dsa',
      actor: alice,
    })) as CommandReply<never>;
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid', errors: [{ field: 'keyType' }] } });

    const revoked = await client.call<{ crlNumber: number }>(Subjects.ca.revoke, {
      schemaVersion: 1,
      serial: issued.serial,
      reason: 'superseded',
      actor: alice,
    });
    const crl = await client.call<{ crlNumber: number; revokedCount: number; crlPem: string }>(
      Subjects.ca.crl,
      { schemaVersion: 1, issuer: 'shop-int' },
    );
    expect(crl).toMatchObject({ crlNumber: revoked.crlNumber, revokedCount: 1 });

    const list = await client.call<Array<{ name: string }>>(Subjects.ca.list, { schemaVersion: 1 });
    expect(list.map((a) => a.name)).toEqual(['root', 'shop-int']);
    expect(JSON.stringify(list)).not.toMatch(/PRIVATE KEY|sealed/);

    expect(await client.send(Subjects.ca.crl, { schemaVersion: 1, issuer: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  }, 30_000);
});
