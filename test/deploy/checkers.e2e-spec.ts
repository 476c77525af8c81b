import { checkCluster } from './lib/k8s-checks.js';
import { validateObject } from './lib/k8s-schema.js';
import type { K8sObject } from './lib/k8s.js';
import { interpolate } from './lib/compose.js';

// Checks on the checkers: each one must reject what it exists to reject, or the deploy tests
// passing would mean nothing. The Envoy config checker's own checks live beside it, in
// libs/testing/src/envoy-validation.

function deployment(): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'n' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          securityContext: { runAsNonRoot: true },
          containers: [
            {
              name: 'web',
              image: 'web:1.0.0',
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}

const service = (selector: Record<string, string>, targetPort: string): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'n' },
  spec: { selector, ports: [{ name: 'http', port: 80, targetPort }] },
});

describe('Kubernetes schema validator', () => {
  it('accepts a valid Deployment', () => {
    expect(validateObject(deployment(), 'ok')).toEqual([]);
  });

  it('reports unknown fields, wrong types and missing required fields with their paths', () => {
    const d = deployment() as any;
    d.spec.replica = 2;
    d.spec.template.spec.containers[0].ports[0].containerPort = '8080';
    delete d.spec.selector;
    delete d.spec.template.spec.containers[0].name;
    const paths = validateObject(d, 'bad').map((p) => `${p.path}: ${p.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'spec.replica: unknown field of V1DeploymentSpec',
        expect.stringMatching(
          /^spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: expected a number/,
        ),
        'spec.selector: is required (V1DeploymentSpec)',
        'spec.template.spec.containers[0].name: is required (V1Container)',
      ]),
    );
  });

  it('rejects kinds it has no schema for', () => {
    expect(
      validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, 'w'),
    ).toHaveLength(1);
  });
});

describe('cross-object checks', () => {
  it('pass on a consistent set', () => {
    expect(checkCluster([deployment(), service({ app: 'web' }, 'http')], { externalSecrets: [] })).toEqual(
      [],
    );
  });

  it('catch a Service that selects nothing and a port no container has', () => {
    const problems = checkCluster([deployment(), service({ app: 'webb' }, 'http')], { externalSecrets: [] });
    expect(problems).toEqual(['Service/n/web: selector matches no workload']);
    const port = checkCluster([deployment(), service({ app: 'web' }, 'grpc')], { externalSecrets: [] });
    expect(port).toEqual(['Service/n/web: port http targets grpc, which no selected container exposes']);
  });

  it('catch probes on unknown ports, unpinned images, missing resources and missing Secrets', () => {
    const d = deployment() as any;
    const c = d.spec.template.spec.containers[0];
    c.readinessProbe.httpGet.port = 'ops';
    c.image = 'web:latest';
    delete c.resources.limits;
    c.env = [{ name: 'KEY', valueFrom: { secretKeyRef: { name: 'absent', key: 'k' } } }];
    expect(checkCluster([d], { externalSecrets: [] })).toEqual([
      'Deployment/n/web: container web: image web:latest is not pinned to a tag or digest',
      'Deployment/n/web: container web: resources need requests.cpu, requests.memory and limits.memory',
      'Deployment/n/web: container web: readinessProbe port ops is not a container port',
      'Deployment/n/web: container web: env KEY: Secret absent neither rendered nor external',
    ]);
    expect(checkCluster([d], { externalSecrets: ['n/absent'] })).toHaveLength(3);
  });

  it('catch a PDB that blocks drains and an HPA without a target', () => {
    const pdb: K8sObject = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'n' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
    };
    const hpa: K8sObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'n' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 3 },
    };
    expect(checkCluster([deployment(), pdb, hpa], { externalSecrets: [] })).toEqual([
      'PodDisruptionBudget/n/web: minAvailable 1 with 1 replica(s) blocks every drain',
      'HorizontalPodAutoscaler/n/api: scaleTargetRef Deployment/api not found',
    ]);
  });

  it('catch write verbs, wildcards and cluster-wide Secret access', () => {
    const role: K8sObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'r' },
      rules: [{ apiGroups: [''], resources: ['secrets', '*'], verbs: ['get', 'update'] }],
    };
    expect(checkCluster([role], { externalSecrets: [] })).toEqual([
      'ClusterRole/-/r: wildcard in resources',
      'ClusterRole/-/r: verb update is not read-only',
      'ClusterRole/-/r: Secrets may only be granted per namespace (Role), not cluster-wide',
    ]);
  });
});

describe('compose interpolation', () => {
  it('uses defaults, keeps $$ literal and reports variables without a default', () => {
    expect(interpolate('a ${X:-1} b ${Y-2} $$Z ${W} $V')).toEqual({
      value: 'a 1 b 2 $Z  ',
      unset: ['W', 'V'],
      required: [],
    });
  });

  it('takes required variables (${VAR:?message}) from the .env values and lists them', () => {
    expect(interpolate('k=${K:?set K} p=${P?set P}', { K: 'key' })).toEqual({
      value: 'k=key p=',
      unset: [],
      required: ['K', 'P'],
    });
  });
});
