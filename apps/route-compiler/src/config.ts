import { z } from 'zod';
import { Variables, defineConfig } from '#keyway/config';
import { KUBERNETES_RENAMED } from '#keyway/kubernetes';

export const routeCompilerConfig = defineConfig(
  'route-compiler',
  {
    NATS_URL: Variables.NATS_URL,
    NATS_USER: Variables.NATS_USER,
    NATS_PASSWORD: Variables.NATS_PASSWORD,
    NATS_KV_REPLICAS: Variables.NATS_KV_REPLICAS,
    REPLICA_ID: Variables.REPLICA_ID,
    LEADER_LEASE_MS: Variables.LEADER_LEASE_MS,
    DATABASE_URL: Variables.DATABASE_URL,
    DATABASE_MIGRATIONS: Variables.DATABASE_MIGRATIONS,
    OPS_PORT: Variables.OPS_PORT.default(9103),
    OPS_HOST: Variables.OPS_HOST,
    LOG_LEVEL: Variables.LOG_LEVEL,
    LOG_FORMAT: Variables.LOG_FORMAT,
    /** A directory of Gateway/VirtualService/ServiceEntry (and Service/EndpointSlice) manifests, watched. */
    ROUTES_DIR: z.string().min(1).optional(),
    /**
     * Kubernetes API server to list and watch (Gateways, VirtualServices, ServiceEntries, Services,
     * EndpointSlices; libs/kubernetes), with its token and CA files.
     */
    KUBERNETES_API_URL: Variables.KUBERNETES_API_URL,
    KUBERNETES_TOKEN_FILE: Variables.KUBERNETES_TOKEN_FILE,
    KUBERNETES_CA_FILE: Variables.KUBERNETES_CA_FILE,
    /** Quiet time after a change before recompiling. */
    ROUTE_DEBOUNCE_MS: z.coerce.number().int().min(0).max(10_000).default(50),
    /** Longest a change waits for a recompile while changes keep coming. */
    ROUTE_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  },
  undefined,
  { HTTP_PORT: 'OPS_PORT', ...KUBERNETES_RENAMED },
);
export type RouteCompilerConfig = ReturnType<typeof routeCompilerConfig.load>;
