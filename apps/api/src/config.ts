import { z } from 'zod';
import { defineConfig, Variables } from '#keyway/config';
import { acmeVariables } from './acme/acme-config.js';
import { httpsProblems } from './https-listener.js';

export const apiConfig = defineConfig(
  'api',
  {
    NATS_URL: Variables.NATS_URL,
    NATS_USER: Variables.NATS_USER,
    NATS_PASSWORD: Variables.NATS_PASSWORD,
    DATABASE_URL: Variables.DATABASE_URL,
    DATABASE_MIGRATIONS: Variables.DATABASE_MIGRATIONS,
    LOG_LEVEL: Variables.LOG_LEVEL,
    LOG_FORMAT: Variables.LOG_FORMAT,
    KEYWAY_DATA_KEYS: Variables.KEYWAY_DATA_KEYS,
    /** The REST port. */
    HTTP_PORT: Variables.HTTP_PORT.default(8081),
    HTTP_HOST: z.string().default('127.0.0.1'),
    /** The same routes over HTTPS (ACME clients need it, RFC 8555 §6.1), on HTTP_HOST; with the two files. */
    HTTPS_PORT: Variables.port.optional(),
    HTTPS_CERT_FILE: z.string().optional(),
    HTTPS_KEY_FILE: z.string().optional(),
    /** How often the HTTPS certificate and key are re-read (renewed by cert-manager); 0: once at start. */
    HTTPS_RELOAD_SECONDS: z.coerce.number().min(0).default(30),
    /** Health, readiness and metrics (OpsServer). */
    OPS_PORT: Variables.OPS_PORT.default(9105),
    OPS_HOST: Variables.OPS_HOST,
    /** Admin bootstrap token; when unset, read from (or generated into) KEYWAY_ADMIN_TOKEN_FILE. */
    KEYWAY_ADMIN_TOKEN: z.string().min(16).optional(),
    KEYWAY_ADMIN_TOKEN_FILE: z.string().default('.keyway/admin-token'),
    RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(50),
    RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100),
    COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Largest request body read (JSON or YAML), in bytes; bigger ones answer 413 unread. */
    API_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024),
    /** Most objects one apply may carry; more answer 413 before the YAML is parsed. */
    API_MAX_APPLY_DOCUMENTS: z.coerce.number().int().positive().default(500),
    /** Requests per second (and burst) from one client address without a token. */
    ANONYMOUS_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(5),
    ANONYMOUS_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(20),
    /** The api's request log is kept this many days (0: for ever); credential versions are always kept. */
    API_REQUEST_LOG_RETENTION_DAYS: z.coerce.number().int().min(0).default(90),
    /** Refused requests (401, 429, 503) are folded into one row per actor and status per this many seconds. */
    API_REQUEST_LOG_FOLD_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** The audit device the request log is exported to (docs/audit.md, "Export"); NATS_KV_REPLICAS for its stream. */
    AUDIT_SINK: Variables.AUDIT_SINK,
    AUDIT_SINK_REQUIRED: Variables.AUDIT_SINK_REQUIRED,
    AUDIT_SINK_POLL_MS: Variables.AUDIT_SINK_POLL_MS,
    NATS_KV_REPLICAS: Variables.NATS_KV_REPLICAS,
    /** Local suite: where `npm start` writes service logs, and how the gateway is presented. */
    LOG_DIR: z.string().default('.keyway/logs'),
    GATEWAY_NAMESPACE: z.string().default('istio-system'),
    GATEWAY_HOST: z.string().default('127.0.0.1'),
    GATEWAY_HTTPS_PORT: Variables.port.default(8443),
    GATEWAY_HTTP_PORT: Variables.port.default(8080),
    GATEWAY_POD_NAME: z.string().default('istio-ingressgateway-local-0'),
    ...acmeVariables,
  },
  httpsProblems,
);
export type ApiConfig = ReturnType<typeof apiConfig.load>;
