import { isIP } from 'node:net';
import { z } from 'zod';

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with scheme ${protocols.join(' or ')}`,
  );

const port = z.coerce.number().int().min(0).max(65535);
/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** An IP literal (`0.0.0.0` and `::` mean every interface) or a host name to listen on. */
const host = z
  .string()
  .refine(
    (v) => isIP(v) !== 0 || HOST_NAME.test(v),
    'must be an IP address (0.0.0.0: every interface) or a host name',
  );
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Building blocks every service uses; each app picks what it reads. */
export const Variables = {
  NATS_URL: url(['nats:', 'tls:']).default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  /**
   * JetStream replicas of keyway's KV buckets: 1 on a single NATS server, 3 on a three-server
   * cluster so a bucket survives the loss of a server. Provisioning converges existing buckets.
   */
  NATS_KV_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/postgres'),
  /**
   * `run`: the service migrates its schema at start (DATABASE_URL owns it: local runs). `verify`: a
   * one-shot migrate step did, as the schema's owner (DATABASE_MIGRATION_URL); the service's own
   * role only checks that every migration ran (compose, k8s: least privilege, docs/audit.md).
   */
  DATABASE_MIGRATIONS: z.enum(['run', 'verify']).default('run'),
  /** The migrate step's connection: the role that owns the service's schema. */
  DATABASE_MIGRATION_URL: url(['postgres:', 'postgresql:']),
  /**
   * The Kubernetes API server a source lists and watches (libs/kubernetes); unset: that source is off.
   * In a pod: https://kubernetes.default.svc with the service account's token and CA files.
   */
  KUBERNETES_API_URL: url(['https:', 'http:']).optional(),
  /** The bearer token's file, read again every minute and after a 401 (projected tokens rotate). */
  KUBERNETES_TOKEN_FILE: z.string().min(1).optional(),
  /** PEM CA bundle for an https API server. */
  KUBERNETES_CA_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  /** The api's REST port. */
  HTTP_PORT: port,
  /** Health, readiness and metrics (the ops server) in every service; the gateway's admin too. */
  OPS_PORT: port,
  /**
   * Address the ops server (/healthz, /readyz, /metrics) listens on. Loopback by default, so a
   * local run exposes nothing; containers set 0.0.0.0 for kubelet probes and Prometheus.
   */
  OPS_HOST: host.default('127.0.0.1'),
  /** Data keys for the AES-256-GCM envelope: `id:base64key[,id:base64key]`, first one active. */
  KEYWAY_DATA_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]+:[A-Za-z0-9+/=]+(,[A-Za-z0-9._-]+:[A-Za-z0-9+/=]+)*$/,
      'must be id:base64key[,id:base64key...]',
    ),
  /** This replica's name (a pod name): the proxy metadata of a gateway, the lease holder of a leader. */
  REPLICA_ID: z.string().min(1).max(253).optional(),
  /**
   * Active-standby (secret-watcher, route-compiler, ca): a standby takes over when the leader has not
   * renewed its lease for this long; the leader stops a sixth of it earlier (libs/messaging lease-rules).
   */
  LEADER_LEASE_MS: z.coerce.number().int().min(300).max(60_000).default(3000),
  /**
   * Ed25519 private key (PEM file) that signs the checkpoints of a hash-chain writer's record (the
   * secret-watcher's audit log, the ca's record; docs/audit.md). Unset: no checkpoints, and `keyway
   * audit verify` can only check that the chains are consistent, not that none was cut.
   */
  AUDIT_CHECKPOINT_KEY_FILE: z.string().min(1).optional(),
  /** A checkpoint at least this often while rows commit... */
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).default(60),
  /** ...and as soon as this many rows committed since the last one. */
  AUDIT_CHECKPOINT_ROWS: z.coerce.number().int().min(1).default(1000),
  /** Also append every checkpoint, as a JSON line, to this file (a second copy outside NATS). */
  AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
  /**
   * An audit device the record is streamed to in commit order, at least once (libs/audit-export
   * sink-target.ts: file:/path, stdout, syslog+udp://host:port, syslog+tcp://host:port, nats:subject).
   */
  AUDIT_SINK: z.string().min(1).max(1024).optional(),
  /** Fail closed: while the sink cannot be written, new versions wait (as with Postgres down). */
  AUDIT_SINK_REQUIRED: bool.default(false),
  /** How often the record is read for rows to export when no commit announced them. */
  AUDIT_SINK_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  port,
  host,
  bool,
  url,
};

const pick = <K extends keyof typeof Variables>(...keys: K[]): Pick<typeof Variables, K> =>
  Object.fromEntries(keys.map((k) => [k, Variables[k]])) as Pick<typeof Variables, K>;

/**
 * Variables that travel together, spread into a service's config (`...VariableGroups.nats`) so each
 * config states only what is its own.
 */
export const VariableGroups = {
  /** NATS as the service's own user, and the replicas of the buckets and streams it writes. */
  nats: pick('NATS_URL', 'NATS_USER', 'NATS_PASSWORD', 'NATS_KV_REPLICAS'),
  /** Active-standby: the lease holder's name and the lease's ttl. */
  leader: pick('REPLICA_ID', 'LEADER_LEASE_MS'),
  /** The service's own Postgres schema, migrated at start or by its one-shot step. */
  database: pick('DATABASE_URL', 'DATABASE_MIGRATIONS'),
  logs: pick('LOG_LEVEL', 'LOG_FORMAT'),
  /** Signed checkpoints of a hash-chained record (docs/audit.md). */
  auditCheckpoints: pick(
    'AUDIT_CHECKPOINT_KEY_FILE',
    'AUDIT_CHECKPOINT_SECONDS',
    'AUDIT_CHECKPOINT_ROWS',
    'AUDIT_CHECKPOINT_FILE',
  ),
  /** The audit device a record is exported to (docs/audit.md, "Export"). */
  auditSink: pick('AUDIT_SINK', 'AUDIT_SINK_REQUIRED', 'AUDIT_SINK_POLL_MS'),
};
