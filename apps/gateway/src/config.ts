import os from 'node:os';
import { z } from 'zod';
import { adsTarget } from '#keyway/xds-client';
import { defineConfig, Variables, VariableGroups } from '#keyway/config';

/** `k=v,k=v` labels, as a Gateway's selector matches them. */
const labels = z
  .string()
  .regex(
    /^[A-Za-z0-9._/-]+=[A-Za-z0-9._-]*(,[A-Za-z0-9._/-]+=[A-Za-z0-9._-]*)*$/,
    'must be key=value[,key=value]',
  )
  .transform((text) =>
    Object.fromEntries(text.split(',').map((pair) => pair.split('=') as [string, string])),
  );

/** More workers than this is a mistake (each holds every listener, secret and route table). */
const MAX_WORKERS = 256;

export const gatewayConfig = defineConfig(
  'gateway',
  {
    ...VariableGroups.logs,
    REPLICA_ID: Variables.REPLICA_ID,
    /** Admin port: /ready, /config_dump, /certs, /stats beside /healthz, /readyz, /metrics. */
    OPS_PORT: Variables.OPS_PORT.default(15000),
    ADMIN_HOST: z.string().default('127.0.0.1'),
    /**
     * The sds-server's ADS endpoint (15010 plaintext with a token, 15012 mTLS): host:port, several IPv4
     * ip:port separated by commas, or dns:///name:port (every replica). With several, a broken stream
     * reconnects to another replica at once (#keyway/xds-client adsTarget).
     */
    XDS_ADDRESS: z
      .string()
      .default('127.0.0.1:15010')
      .superRefine((v, ctx) => {
        try {
          adsTarget(v);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      }),
    /** Bootstrap token sent as `authorization: Bearer <token>`. */
    XDS_TOKEN: z.string().min(1).optional(),
    /** TLS to the sds-server: the CA that signed its certificate; with cert and key files, mTLS. */
    XDS_CA_FILE: z.string().optional(),
    XDS_CERT_FILE: z.string().optional(),
    XDS_KEY_FILE: z.string().optional(),
    XDS_SERVER_NAME: z.string().optional(),
    XDS_BACKOFF_INITIAL_MS: z.coerce.number().int().min(1).default(500),
    /** Reconnect backoff ceiling: small, so a proxy holds the latest version within seconds of the control plane coming back. */
    XDS_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(2_000),
    /** Identity the control plane selects configuration by (istiod's NAMESPACE and LABELS metadata). */
    GATEWAY_NAMESPACE: z.string().min(1).default('istio-system'),
    GATEWAY_LABELS: labels.default({ istio: 'ingressgateway' }),
    GATEWAY_POD_NAME: z.string().min(1).default('istio-ingressgateway-local-0'),
    GATEWAY_POD_IP: z.string().min(1).default('127.0.0.1'),
    /** Listener port -> bound port, e.g. `443:8443,80:8080` (the SECURE_INGRESS_PORT is 8443). */
    GATEWAY_PORT_MAP: z.string().default('443:8443,80:8080'),
    /** Binds every listener on this address instead of the listener's own (e.g. 127.0.0.1 locally). */
    GATEWAY_BIND_ADDRESS: z.string().optional(),
    /**
     * Data plane processes (node:cluster workers) sharing every listener port, by default one per CPU
     * this process may run on (in a container, set it to the CPU limit). The primary process keeps the
     * one ADS stream and hands each response to every worker, ACKing only once all applied it; with 1
     * the data plane runs in the primary itself.
     */
    GATEWAY_WORKERS: z.coerce
      .number()
      .int('must be a whole number of workers')
      .min(1, 'must be at least 1')
      .max(MAX_WORKERS, `must be at most ${MAX_WORKERS}`)
      .default(os.availableParallelism()),
    /**
     * TLS session ticket keys rotate this often (seconds); tickets sealed with the previous key are
     * still accepted, and a ticket lives one period, so a returning client resumes for up to that long.
     */
    GATEWAY_SESSION_TICKET_ROTATION_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(3600),
    /**
     * How long the admin port waits for a worker's answer (config dump, certificates, stats, workers):
     * a hung worker is reported as not answering instead of hanging the admin port.
     */
    GATEWAY_ADMIN_QUERY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  },
  undefined,
  { HTTP_PORT: 'OPS_PORT' },
);

export type GatewayConfig = ReturnType<typeof gatewayConfig.load>;
