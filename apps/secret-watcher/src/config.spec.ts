import { secretWatcherConfig } from './config.js';

/** The Kubernetes source reads the KUBERNETES_* variables every source shares (libs/kubernetes). */
describe('secret-watcher Kubernetes variables', () => {
  it.each([
    ['KUBE_API_URL', 'KUBERNETES_API_URL'],
    ['KUBE_TOKEN', 'KUBERNETES_TOKEN_FILE'],
    ['KUBE_CA_FILE', 'KUBERNETES_CA_FILE'],
    ['KUBE_NAMESPACES', 'KUBERNETES_NAMESPACES'],
    ['KUBE_LABEL_SELECTOR', 'KUBERNETES_LABEL_SELECTOR'],
  ])('refuses the old %s, naming %s', (old, now) => {
    expect(() => secretWatcherConfig.load({ [old]: 'x' })).toThrow(
      `${old}: was renamed ${now}: set ${now} instead`,
    );
  });

  it('reads the API server, the token and CA files, the namespaces and the label selector', () => {
    const c = secretWatcherConfig.load({
      KEYWAY_DATA_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`,
      KUBERNETES_API_URL: 'https://kubernetes.default.svc',
      KUBERNETES_TOKEN_FILE: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      KUBERNETES_CA_FILE: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      KUBERNETES_NAMESPACES: 'team-a, team-b',
      KUBERNETES_LABEL_SELECTOR: 'keyway.io/credential=true',
    });
    expect(c).toMatchObject({
      KUBERNETES_API_URL: 'https://kubernetes.default.svc',
      KUBERNETES_NAMESPACES: ['team-a', 'team-b'],
      KUBERNETES_LABEL_SELECTOR: 'keyway.io/credential=true',
    });
  });
});
