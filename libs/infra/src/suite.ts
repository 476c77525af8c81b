import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BusUser } from '#keyway/contracts';
import { freePort } from './endpoint.js';
import type { NatsUsers } from './nats-server.js';
import { DATABASE_SERVICES, type DatabaseRoles, type DatabaseService } from './database-roles.js';
import { runOnce, startServiceProcess, waitReady, type ServiceProcess } from './service-process.js';

/** Ports of one running suite; `npm start` uses the documented defaults, tests pick free ones. */
export interface SuitePorts {
  secretWatcherOps: number;
  caOps: number;
  routeCompilerOps: number;
  sdsOps: number;
  sdsGrpc: number;
  apiHttp: number;
  apiOps: number;
  gatewayAdmin: number;
  gatewayHttps: number;
  gatewayHttp: number;
  httpbin: number;
  helloworld: number;
}

export const DEFAULT_PORTS: SuitePorts = {
  caOps: 9101,
  secretWatcherOps: 9102,
  routeCompilerOps: 9103,
  sdsOps: 9104,
  sdsGrpc: 15010,
  apiHttp: 8081,
  apiOps: 9105,
  gatewayAdmin: 15000,
  gatewayHttps: 8443,
  gatewayHttp: 8080,
  httpbin: 18000,
  helloworld: 15001,
};

export async function freeSuitePorts(): Promise<SuitePorts> {
  const out = {} as SuitePorts;
  for (const key of Object.keys(DEFAULT_PORTS) as (keyof SuitePorts)[]) out[key] = await freePort();
  return out;
}

export interface SuiteOptions {
  natsUrl: string;
  databaseUrl: string;
  /** Holds logs, the data keys, the admin token and watched manifest folders. */
  stateDir: string;
  ports: SuitePorts;
  /** Where the compiled apps live (the project root). */
  root?: string;
  logFormat?: 'json' | 'pretty';
  report?: (line: string) => void;
  /** Restart services that exit on their own (npm start), recording restarts in logs/supervisor.json. */
  supervise?: boolean;
  /** Each service connects as its own NATS user (a NATS started with these users). */
  natsUsers?: NatsUsers;
  /**
   * Each service connects to Postgres as its own role; its schema is migrated first, as the owner, by
   * its one-shot migrate step (libs/persistence migrate-step.ts).
   */
  databaseRoles?: Pick<DatabaseRoles, 'owner' | 'services'>;
  /**
   * The services that keep records (secret-watcher, ca, api) export them to the audit device
   * `nats:keyway.audit.export.<service>` (AUDIT_SINK), as a platform shipping its record to a SIEM does.
   */
  auditExport?: boolean;
  /** Extra variables for one service, by app name (e.g. the api's ACME_* validation settings). */
  serviceEnv?: Partial<Record<string, Record<string, string>>>;
}

export interface RunningSuite {
  ports: SuitePorts;
  apiUrl: string;
  adminToken: string;
  logDir: string;
  processes: ServiceProcess[];
  /** Environment for the CLI to talk to this suite. */
  cliEnv: Record<string, string>;
  stop(): Promise<void>;
}

/** One data key per suite, kept across restarts of the same state folder so sealed records stay readable. */
function dataKeys(stateDir: string): string {
  const file = path.join(stateDir, 'data-keys');
  if (!fs.existsSync(file))
    fs.writeFileSync(file, `local-1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/** The Ed25519 key that signs audit checkpoints, made once per state folder (mode 0600). */
function checkpointKeyFile(stateDir: string): string {
  const file = path.join(stateDir, 'audit-checkpoint.key');
  if (!fs.existsSync(file))
    fs.writeFileSync(
      file,
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      { mode: 0o600 },
    );
  return file;
}

function secretFile(stateDir: string, name: string, make: () => string): string {
  const file = path.join(stateDir, name);
  if (!fs.existsSync(file)) fs.writeFileSync(file, make() + '\n', { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Starts every keyway service as its own process, in dependency order, each waited on until ready:
 * secret-watcher, ca, route-compiler, sds-server, api, the sample upstreams (registered as
 * `httpbin:8000` and `helloworld-v1:5000`) and the gateway (namespace istio-system, labels
 * istio=ingressgateway, 443 and 80 mapped to the suite's ports).
 */
export async function startSuite(options: SuiteOptions): Promise<RunningSuite> {
  const stateDir = path.resolve(options.stateDir);
  const logDir = path.join(stateDir, 'logs');
  const manifestsDir = path.join(stateDir, 'manifests');
  for (const sub of ['secrets', 'routing']) fs.mkdirSync(path.join(manifestsDir, sub), { recursive: true });
  const p = options.ports;
  const report = options.report ?? (() => undefined);
  const keys = dataKeys(stateDir);
  const adminToken = secretFile(stateDir, 'admin-token', () => randomBytes(24).toString('base64url'));
  const gatewayToken = secretFile(stateDir, 'gateway-token', () => randomBytes(24).toString('base64url'));
  const common = {
    NATS_URL: options.natsUrl,
    DATABASE_URL: options.databaseUrl,
    KEYWAY_DATA_KEYS: keys,
    LOG_FORMAT: options.logFormat ?? 'json',
    LOG_LEVEL: 'info',
  };
  const auditSink = (app: BusUser): Record<string, string> =>
    options.auditExport ? { AUDIT_SINK: `nats:keyway.audit.export.${app}` } : {};
  const natsUser = (app: BusUser): Record<string, string> => {
    const u = options.natsUsers?.[app];
    return u ? { NATS_USER: u.user, NATS_PASSWORD: u.password } : {};
  };
  const plan: Array<{ app: string; env: Record<string, string>; ready: string }> = [
    {
      app: 'secret-watcher',
      env: {
        ...common,
        ...natsUser('secret-watcher'),
        ...auditSink('secret-watcher'),
        OPS_PORT: String(p.secretWatcherOps),
        // The lease holder's name: a supervised restart takes its own lease back at once.
        REPLICA_ID: `local-secret-watcher-${p.secretWatcherOps}`,
        SECRETS_DIR: path.join(manifestsDir, 'secrets'),
        SECRET_APPLY_WAIT_MS: '8000',
        // Signed audit checkpoints with a key kept in the state folder, never in Postgres.
        AUDIT_CHECKPOINT_KEY_FILE: checkpointKeyFile(stateDir),
      },
      ready: `http://127.0.0.1:${p.secretWatcherOps}/readyz`,
    },
    {
      app: 'ca',
      env: {
        ...common,
        ...natsUser('ca'),
        ...auditSink('ca'),
        OPS_PORT: String(p.caOps),
        // The lease holder's name: a supervised restart takes its own lease back at once.
        REPLICA_ID: `local-ca-${p.caOps}`,
        // The CA record's head is checkpointed with the same key (its own stream).
        AUDIT_CHECKPOINT_KEY_FILE: checkpointKeyFile(stateDir),
        CA_MASTER_KEYS: secretFile(
          stateDir,
          'ca-master-keys',
          () => `master-1:${randomBytes(32).toString('base64')}`,
        ),
      },
      ready: `http://127.0.0.1:${p.caOps}/readyz`,
    },
    {
      app: 'route-compiler',
      env: {
        ...common,
        ...natsUser('route-compiler'),
        OPS_PORT: String(p.routeCompilerOps),
        // The lease holder's name: a supervised restart takes its own lease back at once.
        REPLICA_ID: `local-route-compiler-${p.routeCompilerOps}`,
        ROUTES_DIR: path.join(manifestsDir, 'routing'),
      },
      ready: `http://127.0.0.1:${p.routeCompilerOps}/readyz`,
    },
    {
      app: 'sds-server',
      env: {
        ...common,
        ...natsUser('sds-server'),
        OPS_PORT: String(p.sdsOps),
        XDS_GRPC_PORT: String(p.sdsGrpc),
        XDS_TLS_PORT: '0',
        XDS_BOOTSTRAP_TOKENS: `istio-system=${gatewayToken}`,
      },
      ready: `http://127.0.0.1:${p.sdsOps}/readyz`,
    },
    {
      app: 'api',
      env: {
        ...common,
        ...natsUser('api'),
        ...auditSink('api'),
        HTTP_PORT: String(p.apiHttp),
        OPS_PORT: String(p.apiOps),
        KEYWAY_ADMIN_TOKEN: adminToken,
        LOG_DIR: logDir,
        GATEWAY_HTTPS_PORT: String(p.gatewayHttps),
        GATEWAY_HTTP_PORT: String(p.gatewayHttp),
      },
      ready: `http://127.0.0.1:${p.apiOps}/readyz`,
    },
    {
      app: 'gateway',
      env: {
        LOG_FORMAT: common.LOG_FORMAT,
        LOG_LEVEL: 'info',
        OPS_PORT: String(p.gatewayAdmin),
        XDS_ADDRESS: `127.0.0.1:${p.sdsGrpc}`,
        XDS_TOKEN: gatewayToken,
        GATEWAY_PORT_MAP: `443:${p.gatewayHttps},80:${p.gatewayHttp}`,
      },
      ready: `http://127.0.0.1:${p.gatewayAdmin}/ready`,
    },
  ];

  const apiUrl = `http://127.0.0.1:${p.apiHttp}`;
  const processes: ServiceProcess[] = [];
  // What `keyway get pod` shows as RESTARTS: the api reads it from the log folder.
  const writeState = () =>
    fs.writeFileSync(
      path.join(logDir, 'supervisor.json'),
      JSON.stringify({
        processes: Object.fromEntries(
          processes.map((x) => [x.name, { pid: x.child.pid, restarts: x.restarts }]),
        ),
      }),
    );
  const supervision = options.supervise ? { report, restarted: writeState } : undefined;
  const stop = async () => {
    for (const proc of [...processes].reverse()) await proc.stop();
  };
  const samplesManifest = path.join(stateDir, 'samples.yaml');
  try {
    const samples = startServiceProcess(
      'samples',
      {
        HTTPBIN_PORT: String(p.httpbin),
        HELLOWORLD_PORT: String(p.helloworld),
        LOG_FORMAT: common.LOG_FORMAT,
        // The samples write their own ServiceEntries (apps/samples sample-servers.ts), registered below.
        SAMPLES_MANIFEST_FILE: samplesManifest,
      },
      logDir,
      options.root,
      supervision,
    );
    processes.push(samples);
    for (const step of plan) {
      const roles = options.databaseRoles;
      if (roles && (DATABASE_SERVICES as readonly string[]).includes(step.app)) {
        const serviceUrl = roles.services[step.app as DatabaseService];
        await runOnce(
          `${step.app} migrate step`,
          step.app,
          'migrate.js',
          {
            ...step.env,
            DATABASE_URL: serviceUrl,
            DATABASE_MIGRATION_URL: roles.owner,
          },
          options.root,
        );
        step.env = { ...step.env, DATABASE_URL: serviceUrl, DATABASE_MIGRATIONS: 'verify' };
      }
      const proc = startServiceProcess(
        step.app,
        { ...step.env, ...options.serviceEnv?.[step.app] },
        logDir,
        options.root,
        supervision,
      );
      processes.push(proc);
      await waitReady(proc, step.ready);
      report(`${step.app} ready (pid ${proc.child.pid}), log ${proc.logFile}`);
    }
    await waitReady(samples, `http://127.0.0.1:${p.helloworld}/health`);
    await registerSamples(apiUrl, adminToken, samplesManifest);
    if (supervision) writeState();
  } catch (e) {
    // Nothing started here outlives a failed start.
    await stop();
    throw e;
  }
  report(
    `samples registered: httpbin:8000 -> 127.0.0.1:${p.httpbin}, helloworld-v1:5000 -> 127.0.0.1:${p.helloworld}`,
  );
  return {
    ports: p,
    apiUrl,
    adminToken,
    logDir,
    processes,
    cliEnv: { KEYWAY_SERVER: apiUrl, KEYWAY_TOKEN: adminToken },
    stop,
  };
}

/**
 * The walkthrough's destinations (ServiceEntries in namespace default pointing at the local samples),
 * as the samples wrote them once listening, applied through the api.
 */
async function registerSamples(apiUrl: string, token: string, manifest: string): Promise<void> {
  const res = await fetch(`${apiUrl}/v1/apply`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
    body: fs.readFileSync(manifest, 'utf8'),
  });
  if (res.status >= 300)
    throw new Error(`registering the sample ServiceEntries: HTTP ${res.status}: ${await res.text()}`);
}
