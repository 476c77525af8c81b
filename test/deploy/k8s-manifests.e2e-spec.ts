import { BUS_USERS, natsPasswordVariable } from '#keyway/contracts';
import path from 'node:path';
import { parse } from 'yaml';
import { checkCluster, grantsOf } from './lib/k8s-checks.js';
import { validateObject } from './lib/k8s-schema.js';
import {
  KUSTOMIZATIONS,
  OVERLAYS,
  directResources,
  hasKubectl,
  idOf,
  isKustomizationDir,
  podSpec,
  readKustomization,
  referencedFiles,
  render,
  type K8sObject,
} from './lib/k8s.js';
import { exists, listFiles, readText } from './lib/repo.js';
import { BOOTSTRAPS, readBootstrap } from './lib/bootstrap.js';
import { bootstrapRoot } from './lib/envoy-root.js';

/** Secrets each overlay expects to exist already (docs/deploy.md, "Secrets"); the rest it renders. */
const TLS_SECRETS = ['keyway/sds-server-tls', 'istio-system/istio-ingressgateway-identity'];
const EXTERNAL_SECRETS: Record<string, string[]> = {
  'k8s/overlays/local': TLS_SECRETS,
  'k8s/overlays/production': [
    ...TLS_SECRETS,
    'keyway/keyway-nats',
    'keyway/keyway-database',
    'keyway/keyway-data-keys',
    'keyway/keyway-ca-master-keys',
    'keyway/keyway-api-admin',
    'keyway/keyway-audit-checkpoint',
  ],
};

/** The namespaces the secret-watcher watches: KUBERNETES_NAMESPACES of its Deployment in k8s/base. */
function secretNamespaces(objects: K8sObject[]): string[] {
  const sw = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'secret-watcher')!;
  const value =
    podSpec(sw).containers[0].env.find((e: any) => e.name === 'KUBERNETES_NAMESPACES')?.value ?? '';
  return String(value)
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
}

describe('kustomize layout', () => {
  it.each(KUSTOMIZATIONS)('%s: every resource, patch and generator file exists', (dir) => {
    const missing = referencedFiles(dir).filter(({ file }) => !exists(file) && !isKustomizationDir(file));
    expect(missing).toEqual([]);
    for (const { kind, file } of referencedFiles(dir)) {
      if (kind === 'resource' && !file.endsWith('.yaml')) expect(isKustomizationDir(file)).toBe(true);
    }
  });

  it.each(OVERLAYS)('%s builds on the base', (dir) => {
    const resources = readKustomization(dir).resources ?? [];
    expect(resources.map((r) => path.posix.normalize(`${dir}/${r}`))).toContain('k8s/base');
  });

  it('every YAML file under k8s/ is used by a kustomization (no stray manifest)', () => {
    const used = new Set(KUSTOMIZATIONS.flatMap((d) => referencedFiles(d).map((r) => r.file)));
    for (const d of KUSTOMIZATIONS) used.add(`${d}/kustomization.yaml`);
    const stray = listFiles('k8s', (n) => n.endsWith('.yaml') || n.endsWith('.conf')).filter(
      (f) => !used.has(f),
    );
    expect(stray).toEqual([]);
  });
});

describe('manifests as written (before kustomize)', () => {
  // The Prometheus Operator's kinds have no schema here: test/e2e/telemetry.e2e-spec.ts checks them.
  // cert-manager's kinds (k8s/acme-example) neither: test/deploy/acme-example.e2e-spec.ts checks them.
  const objects = KUSTOMIZATIONS.flatMap((d) => directResources(d)).filter(
    (o) =>
      !String(o.object.apiVersion).startsWith('monitoring.coreos.com/') &&
      !String(o.object.apiVersion).startsWith('cert-manager.io/'),
  );

  it('holds the kinds keyway deploys', () => {
    const kinds = new Set(objects.map((o) => o.object.kind));
    for (const kind of [
      'Namespace',
      'Deployment',
      'StatefulSet',
      'Service',
      'ServiceAccount',
      'PodDisruptionBudget',
      'HorizontalPodAutoscaler',
      'Role',
      'RoleBinding',
      'ClusterRole',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it.each(objects.map((o) => [`${o.file} ${idOf(o.object)}`, o.object] as const))(
    '%s matches the Kubernetes API schema',
    (label, object) => {
      expect(validateObject(object, label)).toEqual([]);
    },
  );

  it('patches parse as partial objects with kind and name', () => {
    for (const dir of KUSTOMIZATIONS) {
      for (const { kind, file } of referencedFiles(dir)) {
        if (kind !== 'patch') continue;
        for (const doc of readText(file)
          .split(/^---$/m)
          .map((d) => parse(d) as K8sObject)) {
          expect(typeof doc.kind).toBe('string');
          expect(typeof doc.metadata.name).toBe('string');
        }
      }
    }
  });
});

describe('Istio networking CRDs (k8s/istio-crds)', () => {
  const crds = directResources('k8s/istio-crds').map((o) => o.object);

  it('define Gateway, VirtualService and ServiceEntry as Istio names them', () => {
    expect(crds.map((c) => c.metadata.name).sort()).toEqual([
      'gateways.networking.istio.io',
      'serviceentries.networking.istio.io',
      'virtualservices.networking.istio.io',
    ]);
    for (const crd of crds) {
      expect(crd.spec.group).toBe('networking.istio.io');
      expect(crd.spec.scope).toBe('Namespaced');
      expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${crd.spec.group}`);
    }
  });

  it('serve v1, v1beta1 and v1alpha3 with one storage version and permissive structural schemas', () => {
    for (const crd of crds) {
      expect(crd.spec.versions.map((v: any) => v.name).sort()).toEqual(['v1', 'v1alpha3', 'v1beta1']);
      expect(crd.spec.versions.filter((v: any) => v.storage)).toHaveLength(1);
      for (const v of crd.spec.versions) {
        expect(v.served).toBe(true);
        const schema = v.schema.openAPIV3Schema;
        expect(schema.type).toBe('object');
        for (const part of ['spec', 'status']) {
          expect(schema.properties[part]).toEqual({
            type: 'object',
            'x-kubernetes-preserve-unknown-fields': true,
          });
        }
      }
    }
  });
});

describe('gateway to sds-server wiring in k8s/base', () => {
  const base = directResources('k8s/base').map((o) => o.object);
  const get = (kind: string, name: string) => base.find((o) => o.kind === kind && o.metadata.name === name)!;
  const { json } = readBootstrap(BOOTSTRAPS[1].file, bootstrapRoot());
  const cluster = (json.static_resources as any).clusters.find((c: any) => c.name === 'xds_cluster');
  const address = cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
  const tls = cluster.transport_socket.typed_config;

  it('the bootstrap dials the sds-server Service on its mTLS port', () => {
    const [name, namespace] = String(address.address).split('.');
    const service = get('Service', name);
    expect(service.metadata.namespace).toBe(namespace);
    expect(String(address.address)).toBe(`${name}.${namespace}.svc.cluster.local`);
    const port = service.spec.ports.find((p: any) => p.port === address.port_value);
    const sds = podSpec(get('Deployment', 'sds-server')).containers[0];
    const env = Object.fromEntries(sds.env.filter((e: any) => e.value).map((e: any) => [e.name, e.value]));
    expect(sds.ports.find((p: any) => p.name === port.targetPort).containerPort).toBe(
      Number(env.XDS_TLS_PORT),
    );
    expect(env.XDS_HOST).toBe('0.0.0.0');
    // No token listener: Envoy authenticates with its client certificate only.
    expect(env.XDS_GRPC_PORT).toBe('off');
  });

  it("the sds-server's certificate names what the proxy verifies, and its files are mounted", () => {
    const san = tls.common_tls_context.validation_context.match_typed_subject_alt_names[0].matcher.exact;
    expect(tls.sni).toBe(san);
    expect(readText('deploy/pki/dev-pki.sh')).toContain(`DNS:${san}`);
    const sds = podSpec(get('Deployment', 'sds-server'));
    const env = Object.fromEntries(sds.containers[0].env.map((e: any) => [e.name, e.value]));
    const mount = sds.containers[0].volumeMounts.find((m: any) => m.name === 'pki');
    expect(sds.volumes.find((v: any) => v.name === 'pki').secret.secretName).toBe('sds-server-tls');
    for (const [v, key] of [
      ['XDS_TLS_CERT_FILE', 'tls.crt'],
      ['XDS_TLS_KEY_FILE', 'tls.key'],
      ['XDS_CLIENT_CA_FILE', 'ca.crt'],
    ]) {
      expect(env[v]).toBe(`${mount.mountPath}/${key}`);
    }
  });

  it('the proxy reads its identity from the mounted kubernetes.io/tls Secret keys', () => {
    const files = [
      tls.common_tls_context.tls_certificates[0].certificate_chain.filename,
      tls.common_tls_context.tls_certificates[0].private_key.filename,
      tls.common_tls_context.validation_context.trusted_ca.filename,
    ];
    const gw = podSpec(get('Deployment', 'istio-ingressgateway'));
    const mount = gw.containers[0].volumeMounts.find((m: any) => m.name === 'identity');
    expect(files).toEqual(['tls.crt', 'tls.key', 'ca.crt'].map((k) => `${mount.mountPath}/${k}`));
  });
});

const renderable = hasKubectl() ? describe : describe.skip;

renderable.each(OVERLAYS)('rendered overlay %s (kubectl kustomize)', (dir) => {
  const objects = render(dir);

  it('every object matches the Kubernetes API schema', () => {
    expect(objects.flatMap((o) => validateObject(o, idOf(o)))).toEqual([]);
  });

  it('cross-object checks: selectors, ports, probes, references, resources, PDBs, HPAs, RBAC', () => {
    expect(checkCluster(objects, { externalSecrets: EXTERNAL_SECRETS[dir] })).toEqual([]);
  });

  it('runs every keyway service from the one image with its own entry file', () => {
    const keyway = objects.filter(
      (o) => o.kind === 'Deployment' && podSpec(o).containers.some((c: any) => c.command?.[0] === 'node'),
    );
    const services = keyway.map((d) => d.metadata.name).sort();
    expect(services).toEqual(['api', 'ca', 'route-compiler', 'sds-server', 'secret-watcher']);
    const images = new Set(keyway.map((d) => podSpec(d).containers[0].image));
    expect(images.size).toBe(1);
    for (const d of keyway) {
      expect(podSpec(d).containers[0].command).toEqual(['node', `dist/apps/${d.metadata.name}/src/main.js`]);
    }
  });

  /** The keyway services (a Node container); the console's nginx has no ops port of its own. */
  const keywayServices = () =>
    objects.filter(
      (o) =>
        o.kind === 'Deployment' &&
        o.metadata.namespace === 'keyway' &&
        podSpec(o).containers.some((c: any) => c.command?.[0] === 'node'),
    );

  it('probes /healthz and /readyz over httpGet on each ops port (OPS_PORT where declared, else HTTP_PORT), bound on every interface', () => {
    for (const d of keywayServices()) {
      const c = podSpec(d).containers[0];
      const env = (name: string) => c.env.find((e: any) => e.name === name)?.value;
      const portVar = env('OPS_PORT') !== undefined ? 'OPS_PORT' : 'HTTP_PORT';
      const opsPort = c.ports.find((p: any) => p.containerPort === Number(env(portVar)));
      expect({ deployment: d.metadata.name, opsPort: opsPort?.name }).toEqual({
        deployment: d.metadata.name,
        opsPort: 'http-ops',
      });
      // The kubelet dials the pod IP: a loopback-only ops server would fail every probe.
      expect({ deployment: d.metadata.name, OPS_HOST: env('OPS_HOST') }).toEqual({
        deployment: d.metadata.name,
        OPS_HOST: '0.0.0.0',
      });
      expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http-ops' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http-ops' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http-ops' });
    }
  });

  it('every keyway pod asks Prometheus to scrape /metrics on its ops port', () => {
    for (const d of keywayServices()) {
      const c = podSpec(d).containers[0];
      const opsPort = c.ports.find((p: any) => p.name === 'http-ops').containerPort;
      expect({ deployment: d.metadata.name, ...d.spec.template.metadata.annotations }).toEqual({
        deployment: d.metadata.name,
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(opsPort),
        'prometheus.io/path': '/metrics',
      });
    }
  });

  it('the console serves the built files from the keyway image with nginx, proxying the api Service', () => {
    const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'console')!;
    const spec = podSpec(d);
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!;
    expect(spec.initContainers[0]).toMatchObject({
      image: podSpec(api).containers[0].image,
      command: ['sh', '-c', 'cp -R dist/console/. /console/'],
    });
    expect(spec.containers[0].volumeMounts).toContainEqual({
      name: 'files',
      mountPath: '/usr/share/nginx/html/ui',
      readOnly: true,
    });
    const conf = readText('k8s/base/console/nginx.conf');
    expect(conf).toMatch(/location \/v1\/ \{\s+proxy_pass http:\/\/api\.keyway\.svc\.cluster\.local:8081;/);
    expect(readKustomization('k8s/base').configMapGenerator).toContainEqual(
      expect.objectContaining({ name: 'keyway-console-nginx', files: ['default.conf=console/nginx.conf'] }),
    );
  });

  it('has HPAs for exactly the sds-server and the api', () => {
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['api', 'sds-server']);
  });

  it('secret-watcher reads Secrets only in the namespaces of KUBERNETES_NAMESPACES, through Roles', () => {
    const SECRET_NAMESPACES = secretNamespaces(objects);
    // Empty would mean "all namespaces" to the secret-watcher, which no Role can grant.
    expect(SECRET_NAMESPACES.length).toBeGreaterThan(0);
    expect(SECRET_NAMESPACES).toContain('istio-system');
    const grants = grantsOf(objects, 'keyway', 'secret-watcher');
    expect(new Set(grants.map((g) => g.namespace))).toEqual(new Set(SECRET_NAMESPACES));
    for (const g of grants) expect(g).toMatchObject({ apiGroup: '', resource: 'secrets' });
    expect(grants.map((g) => g.verb).sort()).toEqual(
      SECRET_NAMESPACES.flatMap(() => ['get', 'list', 'watch']).sort(),
    );
  });

  it('route-compiler reads Gateways, VirtualServices, ServiceEntries, Services, EndpointSlices and ReferenceGrants', () => {
    const grants = grantsOf(objects, 'keyway', 'route-compiler');
    const got = new Set(grants.map((g) => `${g.namespace} ${g.apiGroup}/${g.resource} ${g.verb}`));
    const want = new Set(
      [
        'networking.istio.io/gateways',
        'networking.istio.io/virtualservices',
        'networking.istio.io/serviceentries',
        '/services',
        'discovery.k8s.io/endpointslices',
        'gateway.networking.k8s.io/referencegrants',
      ].flatMap((r) => ['get', 'list', 'watch'].map((v) => `* ${r} ${v}`)),
    );
    expect(got).toEqual(want);
  });

  it('services with a Kubernetes source reach the API server in-cluster as their own ServiceAccount', () => {
    const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
    const envOf = (d: K8sObject) =>
      Object.fromEntries(podSpec(d).containers[0].env.map((e: any) => [e.name, e])) as Record<string, any>;
    const sw = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'secret-watcher')!;
    const rc = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'route-compiler')!;
    for (const d of [sw, rc]) {
      expect(podSpec(d).automountServiceAccountToken).toBe(true);
      const sa = objects.find(
        (o) => o.kind === 'ServiceAccount' && o.metadata.name === podSpec(d).serviceAccountName,
      )!;
      expect(sa.automountServiceAccountToken).not.toBe(false);
    }
    // Both: one set of KUBERNETES_* variables (libs/kubernetes): URL, the automounted projected token
    // file (read again as kubelet rotates it) and the cluster CA file; no long-lived token Secret.
    for (const d of [sw, rc]) {
      const env = envOf(d);
      expect(env.KUBERNETES_API_URL.value).toBe('https://kubernetes.default.svc');
      expect(env.KUBERNETES_TOKEN_FILE.value).toBe(`${SA_DIR}/token`);
      expect(env.KUBERNETES_CA_FILE.value).toBe(`${SA_DIR}/ca.crt`);
      expect(Object.keys(env).filter((k) => k.startsWith('KUBE_'))).toEqual([]);
    }
    expect(
      objects.filter((o) => o.kind === 'Secret' && o.type === 'kubernetes.io/service-account-token'),
    ).toEqual([]);
  });

  it('no other keyway service account can read anything', () => {
    for (const sa of ['ca', 'sds-server', 'api']) expect(grantsOf(objects, 'keyway', sa)).toEqual([]);
  });

  it('the gateway is Envoy in istio-system with the labels Gateways select and the bootstrap mounted', () => {
    const gw = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'istio-ingressgateway')!;
    expect(gw.metadata.namespace).toBe('istio-system');
    expect(gw.spec.template.metadata.labels).toMatchObject({ istio: 'ingressgateway' });
    const c = podSpec(gw).containers[0];
    expect(c.image).toMatch(/^envoyproxy\/envoy:v\d+\.\d+\.\d+$/);
    const args: string[] = c.args;
    expect(args.slice(0, 2)).toEqual(['-c', '/etc/envoy/bootstrap.yaml']);
    expect(args[args.indexOf('--service-node') + 1]).toMatch(
      /^router~\$\(POD_IP\)~\$\(POD_NAME\)\.istio-system~istio-system\.svc\.cluster\.local$/,
    );
    const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m.name]));
    const volumes = Object.fromEntries(podSpec(gw).volumes.map((v: any) => [v.name, v]));
    const bootstrap = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === volumes[mounts['/etc/envoy']].configMap.name,
    )!;
    expect(bootstrap.data['bootstrap.yaml']).toBe(readText('k8s/base/gateway/envoy-bootstrap.yaml'));
    expect(volumes[mounts['/etc/keyway/pki']].secret.secretName).toBe('istio-ingressgateway-identity');
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'istio-ingressgateway')!;
    expect(service.spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['http2', 80],
      ['https', 443],
    ]);
  });

  it('a service with a database is migrated by its own init container as the owner, then runs as its role', () => {
    const envOf = (c: any) =>
      Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
    const withDatabase = objects.filter(
      (o) => o.kind === 'Deployment' && envOf(podSpec(o).containers[0]).DATABASE_URL !== undefined,
    );
    expect(withDatabase.map((d) => d.metadata.name).sort()).toEqual([
      'api',
      'ca',
      'route-compiler',
      'secret-watcher',
    ]);
    for (const d of withDatabase) {
      const name = d.metadata.name;
      const main = envOf(podSpec(d).containers[0]);
      const init = podSpec(d).initContainers?.find((c: any) => c.name === 'migrate');
      expect({ name, command: init?.command }).toEqual({
        name,
        command: ['node', `dist/apps/${name}/src/migrate.js`],
      });
      const initEnv = envOf(init);
      expect(initEnv.DATABASE_URL).toEqual(main.DATABASE_URL);
      expect(initEnv.DATABASE_MIGRATION_URL?.secretKeyRef?.key).toBe('DATABASE_MIGRATION_URL');
      expect(main.DATABASE_MIGRATION_URL).toBeUndefined();
      expect(main.DATABASE_MIGRATIONS).toBe('verify');
      expect(init.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      });
    }
  });

  it('NATS runs JetStream from the generated config, with persistent storage', () => {
    const nats = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'nats')!;
    const volumes = Object.fromEntries(podSpec(nats).volumes.map((v: any) => [v.name, v]));
    const config = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === volumes.config.configMap.name,
    )!;
    const conf: string = config.data['nats.conf'];
    expect(conf).toMatch(/jetstream\s*\{[^}]*store_dir:\s*\/data\/jetstream/);
    expect(conf).toMatch(/^include \.\/authorization\.conf$/m);
    // One user per service, each password from the Secret key the service itself reads.
    expect(config.data['authorization.conf']).toBe(readText('k8s/base/nats/authorization.conf'));
    const natsEnv = podSpec(nats).containers[0].env as any[];
    expect(
      natsEnv
        .filter((e) => /^KEYWAY_NATS_/.test(e.name))
        .map((e) => e.name)
        .sort(),
    ).toEqual(BUS_USERS.map(natsPasswordVariable).sort());
    for (const user of BUS_USERS) {
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === user)!;
      const env = Object.fromEntries(
        (podSpec(deployment).containers[0].env as any[]).map((e) => [e.name, e.value ?? e.valueFrom]),
      );
      expect({ user, NATS_USER: env.NATS_USER }).toEqual({ user, NATS_USER: user });
      // The same Secret as the server's (kustomize may suffix its name with a hash).
      const serverSecret = natsEnv.find((e) => e.name === natsPasswordVariable(user)).valueFrom.secretKeyRef;
      expect(env.NATS_PASSWORD).toEqual({
        secretKeyRef: { name: serverSecret.name, key: natsPasswordVariable(user) },
      });
      expect(serverSecret.name).toMatch(/^keyway-nats(-\w+)?$/);
    }
    expect(nats.spec.volumeClaimTemplates.map((t: any) => t.metadata.name)).toEqual(['data']);
    const replicas = nats.spec.replicas;
    // A JetStream cluster needs its routes to name every replica; one server needs no cluster block.
    const routes = [...conf.matchAll(/nats:\/\/nats-(\d+)\.nats-headless/g)].map((m) => Number(m[1]));
    expect(routes).toEqual(replicas === 1 ? [] : [...Array(replicas).keys()]);
  });
});
