import { z } from 'zod';
import { Variables, VariableGroups, defineConfig } from '#keyway/config';
import { KUBERNETES_RENAMED } from '#keyway/kubernetes';

const SOURCES = ['kubernetes', 'api', 'directory'] as const;
export type SourceName = (typeof SOURCES)[number];

export const secretWatcherConfig = defineConfig(
  'secret-watcher',
  {
    ...VariableGroups.nats,
    ...VariableGroups.leader,
    ...VariableGroups.database,
    OPS_PORT: Variables.OPS_PORT.default(9102),
    OPS_HOST: Variables.OPS_HOST,
    ...VariableGroups.logs,
    /** Opens applied manifests and seals credential material for the credentials bucket. */
    KEYWAY_DATA_KEYS: Variables.KEYWAY_DATA_KEYS,
    /** A folder of Secret manifests to watch (the default source locally); unset: no directory source. */
    SECRETS_DIR: z.string().min(1).optional(),
    /** Namespace for manifests in the folder that name none. */
    SECRETS_DIR_NAMESPACE: z.string().min(1).default('default'),
    /** Kubernetes source (libs/kubernetes): the API server (unset: off), its token and CA files. */
    KUBERNETES_API_URL: Variables.KUBERNETES_API_URL,
    KUBERNETES_TOKEN_FILE: Variables.KUBERNETES_TOKEN_FILE,
    KUBERNETES_CA_FILE: Variables.KUBERNETES_CA_FILE,
    /** Namespaces whose Secrets are watched, comma separated; empty: all namespaces. */
    KUBERNETES_NAMESPACES: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    /** Only Secrets with these labels (a Kubernetes label selector). */
    KUBERNETES_LABEL_SELECTOR: z.string().optional(),
    /** Which source wins when two hold the same namespace/name, first wins. */
    SECRET_SOURCE_PRECEDENCE: z
      .string()
      .default('kubernetes,api,directory')
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.enum(SOURCES)).min(1)),
    /**
     * How long proxies keep serving a deleted credential. Istio serves it forever; the walkthrough's
     * delete-then-create rotation needs seconds. One hour keeps every connection through such a
     * rotation while still ending service of a credential that is really gone.
     */
    SECRET_DELETE_GRACE_SECONDS: z.coerce.number().int().min(0).default(3600),
    /** Leaf certificates expiring within this many days are accepted with a warning. */
    SECRET_EXPIRY_WARNING_DAYS: z.coerce.number().int().min(0).default(30),
    /** How long an API apply waits for its version to be audited before answering `unavailable`. */
    SECRET_APPLY_WAIT_MS: z.coerce.number().int().min(100).default(8000),
    /** Signed checkpoints of the audit log's chain heads (docs/audit.md). */
    ...VariableGroups.auditCheckpoints,
    /** The audit device (docs/audit.md, "Export"). */
    ...VariableGroups.auditSink,
  },
  undefined,
  {
    HTTP_PORT: 'OPS_PORT',
    ...KUBERNETES_RENAMED,
    KUBE_NAMESPACES: 'KUBERNETES_NAMESPACES',
    KUBE_LABEL_SELECTOR: 'KUBERNETES_LABEL_SELECTOR',
  },
);
export type SecretWatcherConfig = ReturnType<typeof secretWatcherConfig.load>;
