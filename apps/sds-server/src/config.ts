import { z } from 'zod';
import { defineConfig, Variables, VariableGroups, type ConfigProblem } from '#keyway/config';

/** `namespace=token,namespace=token`: bootstrap tokens a proxy may present instead of a client certificate. */
const tokenList = z
  .string()
  .regex(/^([a-z0-9-]+=[^,=\s]+)(,[a-z0-9-]+=[^,=\s]+)*$/, 'must be namespace=token[,namespace=token]')
  .optional();

/** A listener's port: a number (0: any free port, for tests) or `off`. */
const listenerPort = z
  .string()
  .refine(
    (v) => v === 'off' || (/^\d{1,5}$/.test(v) && Number(v) <= 65535),
    'must be a port (0-65535, 0: any free port) or off',
  )
  .transform((v): number | 'off' => (v === 'off' ? 'off' : Number(v)));

/** The mTLS listener runs when all three are set. */
export const TLS_FILE_VARIABLES = ['XDS_TLS_CERT_FILE', 'XDS_TLS_KEY_FILE', 'XDS_CLIENT_CA_FILE'] as const;

export const sdsConfig = defineConfig(
  'sds-server',
  {
    ...VariableGroups.nats,
    OPS_PORT: Variables.OPS_PORT.default(9104),
    OPS_HOST: Variables.OPS_HOST,
    ...VariableGroups.logs,
    KEYWAY_DATA_KEYS: Variables.KEYWAY_DATA_KEYS,
    REPLICA_ID: Variables.REPLICA_ID,
    /**
     * Plain gRPC (bootstrap tokens); `off`: not listening; 0 picks a free port (tests). Unset: 15010,
     * unless the mTLS listener is configured, then off (a token in clear is not offered beside it
     * unless asked for by setting a port).
     */
    XDS_GRPC_PORT: listenerPort.optional(),
    /** gRPC over TLS, client certificates requested; runs when the three TLS files are set. */
    XDS_TLS_PORT: Variables.port.default(15012),
    XDS_HOST: z.string().default('127.0.0.1'),
    XDS_TLS_CERT_FILE: z.string().optional(),
    XDS_TLS_KEY_FILE: z.string().optional(),
    /** CA bundle client certificates must chain to (keyway's CA). */
    XDS_CLIENT_CA_FILE: z.string().optional(),
    /** CRL of that CA; a revoked client certificate fails verification. */
    XDS_CLIENT_CRL_FILE: z.string().optional(),
    /** How often the four TLS files are re-read (renewed certificate, new CRL); 0: read once at start. */
    XDS_TLS_RELOAD_SECONDS: z.coerce.number().min(0).default(30),
    XDS_TRUST_DOMAIN: z.string().default('cluster.local'),
    XDS_BOOTSTRAP_TOKENS: tokenList,
  },
  listenerProblems,
  { HTTP_PORT: 'OPS_PORT' },
);

export type SdsConfig = ReturnType<typeof sdsConfig.load>;

/**
 * The sds-server must serve proxies somehow: the token listener (XDS_GRPC_PORT) or the mTLS one
 * (the three TLS files). Some TLS files without the others is a mistake, not a way to turn TLS off.
 */
function listenerProblems(c: {
  XDS_GRPC_PORT?: number | 'off';
  XDS_TLS_CERT_FILE?: string;
  XDS_TLS_KEY_FILE?: string;
  XDS_CLIENT_CA_FILE?: string;
}): ConfigProblem[] {
  const set = TLS_FILE_VARIABLES.filter((v) => c[v] !== undefined);
  if (set.length > 0 && set.length < TLS_FILE_VARIABLES.length)
    return TLS_FILE_VARIABLES.filter((v) => !set.includes(v)).map((variable) => ({
      variable,
      message: `is required with ${set.join(' and ')}: the mTLS listener needs ${TLS_FILE_VARIABLES.join(', ')}`,
    }));
  if ((c.XDS_GRPC_PORT ?? 15010) === 'off' && set.length === 0)
    return [
      {
        variable: 'XDS_GRPC_PORT',
        message: `is off, and ${TLS_FILE_VARIABLES.join(', ')} are unset so the mTLS listener is off too: no proxy could connect. Set a port, or the three TLS files`,
      },
    ];
  return [];
}

/** The plain (token) listener's port for the gRPC server; undefined when it is off. */
export function plainGrpcPort(
  config: Pick<SdsConfig, 'XDS_GRPC_PORT' | 'XDS_TLS_CERT_FILE' | 'XDS_TLS_KEY_FILE' | 'XDS_CLIENT_CA_FILE'>,
): number | undefined {
  const tls = Boolean(config.XDS_TLS_CERT_FILE && config.XDS_TLS_KEY_FILE && config.XDS_CLIENT_CA_FILE);
  const port = config.XDS_GRPC_PORT ?? (tls ? 'off' : 15010);
  return port === 'off' ? undefined : port;
}

export function parseBootstrapTokens(spec: string | undefined): Map<string, string> {
  const byToken = new Map<string, string>();
  for (const pair of (spec ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    byToken.set(pair.slice(eq + 1), pair.slice(0, eq));
  }
  return byToken;
}
