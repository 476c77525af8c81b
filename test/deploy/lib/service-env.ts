import fs from 'node:fs';
import { ConfigError, declaredVariables } from '#keyway/config';
import { environmentOf, readCompose } from './compose.js';
import { directResources, podSpec } from './k8s.js';
import { exists, repoPath } from './repo.js';

/** The services compose and k8s run, each from apps/<name>/src/main.ts. */
export const DEPLOYED = ['ca', 'secret-watcher', 'route-compiler', 'sds-server', 'api'];

/** Apps that are not deployed as services, and why. */
export const NOT_DEPLOYED: Record<string, string> = {
  gateway: 'Envoy is the gateway in compose and Kubernetes; the image can still run keyway’s own',
  samples: 'compose runs the upstream httpbin and helloworld images; Kubernetes has real Services',
  cli: 'a command-line tool run by people, not a service',
  console: 'static files: the api serves them at /ui; compose and k8s also serve them with nginx (console)',
};

/**
 * Variables a service declares, has a default for (or can do without), and that the manifests
 * leave unset on purpose: `both`, or only in `compose` / only in `k8s`. Everything else a service
 * reads must be set in docker-compose.yml and in k8s/base.
 */
type Target = 'compose' | 'k8s';
const LEFT_UNSET: Record<string, Partial<Record<Target | 'both', Record<string, string>>>> = {
  ca: {
    both: {
      LEADER_LEASE_MS: 'lease ttl: default 3 s, documented in docs/deploy.md "High availability"',
      CA_CRL_VALIDITY_SECONDS: 'CRL lifetime: the default (24 h) is documented in docs/deploy.md',
      CA_CRL_REFRESH_SECONDS: 'CRL regeneration period: default 10 min',
      CA_RENEWAL_CHECK_SECONDS: 'renewal scan period: default 60 s',
      CA_BACKDATE_SECONDS: 'clock-skew allowance on notBefore: default 30 s',
      AUDIT_CHECKPOINT_SECONDS: 'default 60 s',
      AUDIT_CHECKPOINT_ROWS: 'default 1000 rows',
      AUDIT_CHECKPOINT_FILE: 'optional second copy of the checkpoints; containers have a read-only root',
      AUDIT_SINK: 'optional audit device (docs/audit.md, "Export"): the operator names their SIEM',
      AUDIT_SINK_REQUIRED: 'only with AUDIT_SINK',
      AUDIT_SINK_POLL_MS: 'only with AUDIT_SINK; default 1 s',
    },
    compose: {
      REPLICA_ID:
        'the container hostname and pid name each replica; a fixed value would be shared by scaled replicas',
      NATS_KV_REPLICAS: 'one NATS server in compose: the default, 1 replica per bucket',
    },
  },
  'secret-watcher': {
    both: {
      LEADER_LEASE_MS: 'lease ttl: default 3 s, documented in docs/deploy.md "High availability"',
      SECRETS_DIR: 'no directory source in containers: Secrets come through the api (and Kubernetes)',
      SECRETS_DIR_NAMESPACE: 'only used with SECRETS_DIR',
      SECRET_SOURCE_PRECEDENCE: 'default kubernetes,api,directory is the documented order',
      SECRET_DELETE_GRACE_SECONDS: 'default 1 h, documented in docs/deploy.md',
      SECRET_EXPIRY_WARNING_DAYS: 'default 30 days',
      SECRET_APPLY_WAIT_MS: 'default 8 s',
      AUDIT_CHECKPOINT_SECONDS: 'default 60 s',
      AUDIT_CHECKPOINT_ROWS: 'default 1000 rows',
      AUDIT_CHECKPOINT_FILE: 'optional second copy of the checkpoints; containers have a read-only root',
      AUDIT_SINK: 'optional audit device (docs/audit.md, "Export"): the operator names their SIEM',
      AUDIT_SINK_REQUIRED: 'only with AUDIT_SINK',
      AUDIT_SINK_POLL_MS: 'only with AUDIT_SINK; default 1 s',
      KUBERNETES_LABEL_SELECTOR: 'every Secret of the watched namespaces is a candidate credential',
    },
    compose: {
      REPLICA_ID:
        'the container hostname and pid name each replica; a fixed value would be shared by scaled replicas',
      NATS_KV_REPLICAS: 'one NATS server in compose: the default, 1 replica per bucket',
      KUBERNETES_API_URL: 'no Kubernetes API in the compose stack: the Kubernetes source stays off',
      KUBERNETES_TOKEN_FILE: 'only used by the Kubernetes source',
      KUBERNETES_CA_FILE: 'only used by the Kubernetes source',
      KUBERNETES_NAMESPACES: 'only used by the Kubernetes source',
    },
  },
  'route-compiler': {
    both: {
      LEADER_LEASE_MS: 'lease ttl: default 3 s, documented in docs/deploy.md "High availability"',
      ROUTE_DEBOUNCE_MS: 'default 50 ms',
      ROUTE_MAX_WAIT_MS: 'default 500 ms',
    },
    k8s: {
      ROUTES_DIR: 'routing comes from the Kubernetes watch and the API, not a folder',
    },
    compose: {
      REPLICA_ID:
        'the container hostname and pid name each replica; a fixed value would be shared by scaled replicas',
      NATS_KV_REPLICAS: 'one NATS server in compose: the default, 1 replica per bucket',
      KUBERNETES_API_URL: 'no Kubernetes API in the compose stack: the Kubernetes source stays off',
      KUBERNETES_TOKEN_FILE: 'only used by the Kubernetes source',
      KUBERNETES_CA_FILE: 'only used by the Kubernetes source',
    },
  },
  'sds-server': {
    compose: {
      NATS_KV_REPLICAS: 'one NATS server in compose: the default, 1 replica per bucket',
    },
    both: {
      XDS_CLIENT_CRL_FILE: 'set when the proxies’ CA publishes a CRL (docs/deploy.md, "Identities")',
      XDS_TLS_RELOAD_SECONDS: 'the TLS files are re-read every 30 s by default (docs/deploy.md)',
      XDS_BOOTSTRAP_TOKENS:
        'proxies authenticate with client certificates; tokens need the plain port, which is off',
    },
  },
  api: {
    both: {
      KEYWAY_ADMIN_TOKEN_FILE: 'KEYWAY_ADMIN_TOKEN is set, so the token file is never read',
      RATE_LIMIT_PER_SECOND: 'per-token rate limit: default 50/s',
      RATE_LIMIT_BURST: 'per-token burst: default 100',
      ANONYMOUS_RATE_LIMIT_PER_SECOND: 'per-address limit without a token: default 5/s',
      ANONYMOUS_RATE_LIMIT_BURST: 'per-address burst without a token: default 20',
      API_REQUEST_LOG_RETENTION_DAYS: 'request log kept 90 days by default (docs/audit.md)',
      API_REQUEST_LOG_FOLD_SECONDS: 'refusals folded per minute by default',
      AUDIT_SINK: 'optional audit device (docs/audit.md, "Export"): the operator names their SIEM',
      AUDIT_SINK_REQUIRED: 'only with AUDIT_SINK',
      AUDIT_SINK_POLL_MS: 'only with AUDIT_SINK; default 1 s',
      NATS_KV_REPLICAS: 'only for the stream of an AUDIT_SINK=nats: device, which is unset',
      API_MAX_BODY_BYTES: 'request body limit: default 4 MiB',
      API_MAX_APPLY_DOCUMENTS: 'objects per apply: default 500',
      COMMAND_TIMEOUT_MS: 'NATS request timeout: default 10 s',
      LOG_DIR: 'local suite only (`keyway logs` reads .keyway/logs); containers log to stdout',
      GATEWAY_NAMESPACE: 'local suite presentation of the gateway; default istio-system is right',
      GATEWAY_HOST: 'local suite presentation; Kubernetes has the real istio-ingressgateway Service',
      GATEWAY_HTTPS_PORT: 'local suite presentation; compose publishes 8443, the default',
      GATEWAY_HTTP_PORT: 'local suite presentation; compose publishes 8080, the default',
      GATEWAY_POD_NAME: 'local suite presentation only',
      HTTPS_PORT:
        'TLS ends at the ingress in front of the api (docs/acme.md, "HTTPS"); set it to serve HTTPS itself',
      HTTPS_CERT_FILE: 'only with HTTPS_PORT',
      HTTPS_KEY_FILE: 'only with HTTPS_PORT',
      HTTPS_RELOAD_SECONDS: 'only with HTTPS_PORT; default: the files are re-read every 30 s',
      ACME_DEFAULT_TEAM: 'only with ACME_REQUIRE_EAB=false; both set it true (docs/acme.md)',
      ACME_BASE_URL: 'the Host header names the api; set it behind a TLS ingress (docs/acme.md)',
      ACME_VALIDATION_HOSTS: 'tests and local use only: validation follows DNS, as it should',
      ACME_DNS_SERVER: "the system resolver (Docker's, the cluster's) is the one validation should use",
      ACME_VALIDATION_TIMEOUT_MS: 'default 10 s per validation',
      ACME_VALIDATION_CONCURRENCY: 'default 128 validations at once',
      ACME_CHALLENGE_WAIT_MS: 'default: a challenge answer waits up to 2 s for its validation',
      ACME_MAX_REDIRECTS: 'default 3 redirects followed by http-01',
      ACME_MAX_BODY_BYTES: 'default 64 KiB per JWS',
      ACME_MAX_IDENTIFIERS: 'default 100 names per order (the ca takes at most 100 SANs)',
      ACME_ORDER_LIFETIME_SECONDS: 'default 1 day',
      ACME_AUTHZ_LIFETIME_SECONDS: 'default 1 day',
      ACME_DATABASE_POOL_SIZE: "default 10 connections, beside the api's own 10",
      ACME_NONCE_CAPACITY: 'default 100000 outstanding nonces per replica',
      ACME_NONCE_TTL_SECONDS: 'default 1 h',
      ACME_RATE_LIMIT_PER_SECOND: 'default 100 requests/s per ACME account or address',
      ACME_RATE_LIMIT_BURST: 'default burst 200',
    },
    k8s: {
      ACME_HTTP01_PORT: 'validation goes to port 80 of the name, the RFC 8555 default',
      ACME_TLSALPN01_PORT: 'validation goes to port 443 of the name, the RFC 8737 default',
    },
  },
};

/** Variables Node itself reads (not a service's config), allowed in the manifests, and why. */
const NODE_RUNTIME: Record<string, string> = {};

function leftUnset(service: string, target: Target): string[] {
  const entry = LEFT_UNSET[service] ?? {};
  return [...Object.keys(entry.both ?? {}), ...Object.keys(entry[target] ?? {})];
}

interface ServiceConfig {
  service: string;
  variables: string[];
  load(env: Record<string, string | undefined>): unknown;
}

async function loadConfig(service: string): Promise<ServiceConfig> {
  const file = repoPath(`apps/${service}/src/config.ts`);
  if (!fs.existsSync(file)) throw new Error(`apps/${service}/src/config.ts does not exist`);
  const module = (await import(file)) as Record<string, unknown>;
  const found = Object.values(module).filter(
    (v): v is ServiceConfig =>
      !!v &&
      typeof v === 'object' &&
      (v as ServiceConfig).service === service &&
      Array.isArray((v as ServiceConfig).variables),
  );
  if (found.length !== 1)
    throw new Error(`apps/${service}/src/config.ts: expected one defineConfig('${service}', ...) export`);
  return found[0];
}

/** Variables the service cannot start without: what load() of an empty environment names. */
function requiredVariables(config: ServiceConfig): string[] {
  try {
    config.load({});
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => p.variable).sort();
  }
}

function composeEnv(service: string): string[] {
  return Object.keys(readCompose().services[service]?.environment ?? {}).sort();
}

function k8sEnv(service: string): string[] {
  const deployment = directResources('k8s/base')
    .map((r) => r.object)
    .find((o) => o.kind === 'Deployment' && o.metadata.name === service);
  if (!deployment) throw new Error(`k8s/base has no Deployment ${service}`);
  const container = podSpec(deployment).containers.find((c: any) => c.name === service);
  return (container.env ?? []).map((e: any) => e.name as string).sort();
}

/**
 * The environment checks for one service, as their own spec file per service, so one service
 * that is not there yet fails only its own file.
 */
export function describeServiceEnvironment(service: string): void {
  describe(`environment of ${service}`, () => {
    let config: ServiceConfig;
    beforeAll(async () => {
      config = await loadConfig(service);
    });

    it('declares its variables through defineConfig (recorded by libs/config)', () => {
      expect([...(declaredVariables().get(service) ?? [])].sort()).toEqual([...config.variables].sort());
    });

    it('the listed exceptions are variables it reads and can start without', () => {
      const unset = [...new Set([...leftUnset(service, 'compose'), ...leftUnset(service, 'k8s')])];
      expect(unset.filter((v) => !config.variables.includes(v))).toEqual([]);
      expect(unset.filter((v) => requiredVariables(config).includes(v))).toEqual([]);
    });

    it.each([
      ['docker-compose.yml', 'compose', composeEnv],
      ['k8s/base', 'k8s', k8sEnv],
    ] as const)(
      '%s sets every variable it reads (but the listed exceptions) and nothing else',
      (_where, target, envOf) => {
        const set = envOf(service);
        const declared = config.variables;
        const unset = leftUnset(service, target);
        expect({ unread: set.filter((v) => !declared.includes(v) && !(v in NODE_RUNTIME)) }).toEqual({
          unread: [],
        });
        expect({ missing: declared.filter((v) => !set.includes(v) && !unset.includes(v)).sort() }).toEqual({
          missing: [],
        });
        expect({ setButListedUnset: set.filter((v) => unset.includes(v)) }).toEqual({
          setButListedUnset: [],
        });
      },
    );

    it("docker-compose.yml's values pass its configuration checks", () => {
      expect(() => config.load(environmentOf(readCompose().services[service]))).not.toThrow();
    });

    it('its entry file exists', () => {
      expect(exists(`apps/${service}/src/main.ts`)).toBe(true);
    });
  });
}
