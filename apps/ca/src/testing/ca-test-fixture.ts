import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { execFile, execFileSync } from 'node:child_process';
import {
  SECRET_APPLY_AAD,
  caPolicySpec,
  okReply,
  type Actor,
  type ApplySecretResult,
  type CommandReply,
  type IssuedCertificate,
  type SecretManifest,
} from '#keyway/contracts';
import { Keyring, PrivateKeyPem } from '#keyway/key-material';
import { openServiceDatabase, type DataSource } from '#keyway/persistence';
import { createThrowawayDatabase, testDataKeys, type ThrowawayDatabase } from '#keyway/testing';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { freePort } from '#keyway/infra';
import { natsTransportServer } from '#keyway/messaging';
import { createLogger } from '#keyway/observability';
import { createCaCore, type CaCore } from '../ca-core.js';
import { CA_CORE } from '../ca.handler.js';
import { CaModule } from '../ca.module.js';
import { caConfig } from '../config.js';
import { CA_MIGRATIONS } from '../migrations/index.js';
import type { SecretApplier } from '../credential-writer.js';

/** Test-only wiring: a throwaway database, a root and an intermediate, a team policy, a recording secrets.apply. */
export const admin: Actor = { kind: 'user', name: 'platform-admin' };
export const alice: Actor = { kind: 'user', name: 'alice', team: 'payments' };

export interface AppliedSecret {
  manifest: SecretManifest;
  actor: Actor;
  reason?: string;
}

export interface CaFixture {
  db: ThrowawayDatabase;
  ds: DataSource;
  core: CaCore;
  dataKeys: Keyring;
  masterKeysSpec: string;
  applied: AppliedSecret[];
  /** Makes the next n secrets.apply calls fail with `unavailable`. */
  failSecretApplies(n: number): void;
  clock: { now: Date };
  close(): Promise<void>;
}

export async function startCaFixture(): Promise<CaFixture> {
  const db = await createThrowawayDatabase('keyway_ca');
  const ds = await openServiceDatabase({
    url: db.url,
    schema: 'ca',
    entities: [],
    migrations: CA_MIGRATIONS,
  });
  const masterKeysSpec = testDataKeys('m1');
  const dataKeys = Keyring.parse(testDataKeys('d1'));
  const applied: AppliedSecret[] = [];
  let failures = 0;
  const secrets: SecretApplier = {
    async apply(req): Promise<CommandReply<ApplySecretResult>> {
      if (failures > 0) {
        failures--;
        return { ok: false, error: { code: 'unavailable', message: 'secret-watcher: postgres is down' } };
      }
      const manifest = JSON.parse(
        dataKeys.open(req.sealedManifest, SECRET_APPLY_AAD).toString('utf8'),
      ) as SecretManifest;
      applied.push({ manifest, actor: req.actor, reason: req.reason });
      return okReply({
        namespace: manifest.metadata.namespace!,
        name: manifest.metadata.name,
        outcome: 'created',
        revision: applied.length,
        contentHash: 'x'.repeat(64),
        warnings: [],
      });
    },
  };
  const clock = { now: new Date() };
  const core = createCaCore({
    ds,
    masterKeys: Keyring.parse(masterKeysSpec),
    dataKeys,
    secrets,
    clock: () => clock.now,
    backdateSeconds: 60,
  });
  await core.authorities.createRoot({
    schemaVersion: 1,
    name: 'root',
    commonName: 'keyway test root',
    organization: 'keyway',
    keyType: 'ecdsa-p256',
    ttl: '87600h',
    actor: admin,
  });
  await core.authorities.createIntermediate({
    schemaVersion: 1,
    name: 'payments-int',
    parent: 'root',
    commonName: 'keyway payments intermediate',
    keyType: 'ecdsa-p256',
    ttl: '43800h',
    pathLen: 0,
    actor: admin,
  });
  await core.policies.apply(
    caPolicySpec.parse({
      team: 'payments',
      name: 'web',
      issuers: ['payments-int'],
      allowedDomains: ['*.example.com', 'example.com'],
      allowedIpRanges: ['127.0.0.1'],
      allowedUris: ['spiffe://cluster.local/ns/{namespace}/sa/*'],
      namespaces: ['payments', 'istio-system'],
      maxTtl: '2160h',
      defaultTtl: '720h',
      keyTypes: ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048'],
      usages: ['server', 'client'],
    }),
    admin,
  );
  return {
    db,
    ds,
    core,
    dataKeys,
    masterKeysSpec,
    applied,
    clock,
    failSecretApplies: (n) => void (failures = n),
    async close() {
      await core.recorder.idle();
      await ds.destroy();
      await db.drop();
    },
  };
}

export function openIssuedKey(keys: Keyring, issued: IssuedCertificate): PrivateKeyPem {
  return new PrivateKeyPem(keys.open(issued.sealedPrivateKey!, issued.serial).toString('utf8'));
}

export function tempDir(): { dir: string; write(name: string, content: string): string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyway-ca-'));
  return {
    dir,
    write(name, content) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content, { mode: 0o600 });
      return file;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs openssl; returns its combined output and exit status instead of throwing. */
export function openssl(args: string[]): { status: number; output: string } {
  try {
    const out = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, output: out };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { status: err.status ?? 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** Runs curl without blocking the event loop (the servers it talks to live in this process). */
export function curl(args: string[]): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ status: code, output: `${stdout}${err ? stderr : ''}` });
    });
  });
}

export interface TestHttpsServer {
  port: number;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 answering `ok <client CN or ->`; mTLS when `ca` is given. */
export async function startHttpsServer(options: {
  key: string;
  cert: string;
  ca?: string;
  crl?: string[];
  /** False: accept the handshake and answer 403 with OpenSSL's verify result instead. */
  rejectUnauthorized?: boolean;
}): Promise<TestHttpsServer> {
  const server = https.createServer(
    {
      key: options.key,
      cert: options.cert,
      ...(options.ca
        ? { ca: options.ca, requestCert: true, rejectUnauthorized: options.rejectUnauthorized ?? true }
        : {}),
      ...(options.crl ? { crl: options.crl } : {}),
    },
    (req, res) => {
      const socket = req.socket as import('node:tls').TLSSocket;
      if (options.ca && !socket.authorized) {
        res.statusCode = 403;
        return res.end(`refused ${String(socket.authorizationError)}\n`);
      }
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.end(`ok ${peer && peer.subject ? (peer.subject.CN ?? '-') : '-'}\n`);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One HTTPS GET through node:tls, resolving to the status and body, or the TLS/socket error. */
export function httpsGet(options: {
  port: number;
  servername: string;
  ca: string;
  key?: string;
  cert?: string;
}): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: options.port,
        servername: options.servername,
        headers: { host: options.servername },
        path: '/',
        ca: options.ca,
        key: options.key,
        cert: options.cert,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (e) => resolve({ error: e.message }));
      },
    );
    req.on('error', (e) => resolve({ error: `${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}` }));
    req.end();
  });
}

export interface BootedCa {
  app: INestMicroservice;
  core: CaCore;
  /** The ops server's port (OPS_PORT). */
  opsPort: number;
}

/**
 * The ca as it runs (its Nest module on its NATS transport), with `env` over test defaults: silent
 * logs, a free ops port, the given NATS and database. Master and data keys must be passed in when the
 * test boots twice over one database (they seal the CA keys).
 */
export async function bootCaModule(env: Record<string, string>): Promise<BootedCa> {
  const opsPort = Number(env.OPS_PORT ?? (await freePort()));
  const config = caConfig.load({
    LOG_LEVEL: 'silent',
    KEYWAY_DATA_KEYS: testDataKeys('d'),
    CA_MASTER_KEYS: testDataKeys('m'),
    ...env,
    OPS_PORT: String(opsPort),
  });
  const transport = natsTransportServer({ url: config.NATS_URL, queue: 'ca' });
  const app = await NestFactory.createMicroservice(
    CaModule.register(config, createLogger({ service: 'ca', level: 'silent', format: 'json' }), transport),
    { strategy: transport, logger: false },
  );
  await app.listen();
  return { app, core: app.get<CaCore>(CA_CORE), opsPort };
}
