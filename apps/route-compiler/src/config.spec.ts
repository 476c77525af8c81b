import { routeCompilerConfig } from './config.js';

describe('route-compiler Kubernetes variables', () => {
  it('reads the API server, the token file and the CA file every source shares', () => {
    const c = routeCompilerConfig.load({
      KUBERNETES_API_URL: 'https://kubernetes.default.svc',
      KUBERNETES_TOKEN_FILE: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      KUBERNETES_CA_FILE: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
    });
    expect(c.KUBERNETES_CA_FILE).toBe('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt');
  });

  it.each([
    ['KUBE_API_URL', 'KUBERNETES_API_URL'],
    ['KUBE_TOKEN', 'KUBERNETES_TOKEN_FILE'],
  ])('refuses the old %s, naming %s', (old, now) => {
    expect(() => routeCompilerConfig.load({ [old]: 'x' })).toThrow(`${old}: was renamed ${now}`);
  });

  it('refuses an API server URL that is not http(s), naming the variable', () => {
    expect(() => routeCompilerConfig.load({ KUBERNETES_API_URL: 'ftp://kubernetes' })).toThrow(
      /KUBERNETES_API_URL/,
    );
  });
});
