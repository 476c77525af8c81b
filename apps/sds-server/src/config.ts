import { z } from 'zod';
import { defineConfig, Variables } from '#keyway/config';

/** `namespace=token,namespace=token`: bootstrap tokens a proxy may present instead of a client certificate. */
const tokenList = z
  .string()
  .regex(/^([a-z0-9-]+=[^,=\s]+)(,[a-z0-9-]+=[^,=\s]+)*$/, 'must be namespace=token[,namespace=token]')
  .optional();

export const sdsConfig = defineConfig('sds-server', {
  NATS_URL: Variables.NATS_URL,
  NATS_USER: Variables.NATS_USER,
  NATS_PASSWORD: Variables.NATS_PASSWORD,
  HTTP_PORT: Variables.HTTP_PORT.default(9104),
  OPS_HOST: Variables.OPS_HOST,
  LOG_LEVEL: Variables.LOG_LEVEL,
  LOG_FORMAT: Variables.LOG_FORMAT,
  KEYWAY_DATA_KEYS: Variables.KEYWAY_DATA_KEYS,
  REPLICA_ID: Variables.REPLICA_ID,
  /** Plain gRPC (bootstrap tokens); 0 picks a free port (tests). */
  XDS_GRPC_PORT: Variables.port.default(15010),
  /** gRPC over TLS, client certificates requested; needs the three TLS files. */
  XDS_TLS_PORT: Variables.port.default(15012),
  XDS_HOST: z.string().default('127.0.0.1'),
  XDS_TLS_CERT_FILE: z.string().optional(),
  XDS_TLS_KEY_FILE: z.string().optional(),
  /** CA bundle client certificates must chain to (keyway's CA). */
  XDS_CLIENT_CA_FILE: z.string().optional(),
  /** CRL of that CA; a revoked client certificate fails verification. */
  XDS_CLIENT_CRL_FILE: z.string().optional(),
  XDS_TRUST_DOMAIN: z.string().default('cluster.local'),
  XDS_BOOTSTRAP_TOKENS: tokenList,
});

export type SdsConfig = ReturnType<typeof sdsConfig.load>;

export function parseBootstrapTokens(spec: string | undefined): Map<string, string> {
  const byToken = new Map<string, string>();
  for (const pair of (spec ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    byToken.set(pair.slice(eq + 1), pair.slice(0, eq));
  }
  return byToken;
}
