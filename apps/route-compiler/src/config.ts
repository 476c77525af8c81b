import { z } from 'zod';
import { Variables, VariableGroups, defineConfig } from '#keyway/config';
import { KUBERNETES_RENAMED } from '#keyway/kubernetes';

export const routeCompilerConfig = defineConfig(
  'route-compiler',
  {
    ...VariableGroups.nats,
    ...VariableGroups.leader,
    ...VariableGroups.database,
    OPS_PORT: Variables.OPS_PORT.default(9103),
    OPS_HOST: Variables.OPS_HOST,
    ...VariableGroups.logs,
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
