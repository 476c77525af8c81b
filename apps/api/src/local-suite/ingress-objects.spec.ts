import { ingressPod, ingressService, linesFor, matchesSelector, tail } from './ingress-objects.js';

const settings = {
  namespace: 'istio-system',
  serviceName: 'istio-ingressgateway',
  podName: 'istio-ingressgateway-local-0',
  host: '127.0.0.1',
  httpsPort: 8443,
  httpPort: 8080,
  labels: { istio: 'ingressgateway' },
  startedAt: '2026-01-01T00:00:00.000Z',
};

describe('the local gateway as Kubernetes objects', () => {
  it('has the https and http2 ports and the load balancer address', () => {
    const svc = ingressService(settings) as any;
    expect(svc.spec.ports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'https', port: 8443 }),
        expect.objectContaining({ name: 'http2', port: 8080 }),
      ]),
    );
    expect(svc.status.loadBalancer.ingress[0].ip).toBe('127.0.0.1');
    expect((ingressPod(settings) as any).metadata.name).toBe('istio-ingressgateway-local-0');
  });

  it('matches label selectors', () => {
    expect(matchesSelector({ istio: 'ingressgateway' }, 'istio=ingressgateway')).toBe(true);
    expect(matchesSelector({ istio: 'ingressgateway' }, 'istio==ingressgateway,!app')).toBe(true);
    expect(matchesSelector({ istio: 'ingressgateway' }, 'istio!=ingressgateway')).toBe(false);
    expect(matchesSelector({ istio: 'ingressgateway' }, 'app')).toBe(false);
    expect(matchesSelector({}, undefined)).toBe(true);
  });

  it('picks and tails log lines', () => {
    expect(linesFor('a istio-system x\nb other\nc istio-system y\n', ['istio-system'])).toEqual([
      'a istio-system x',
      'c istio-system y',
    ]);
    expect(tail(['1', '2', '3'], 2)).toEqual(['2', '3']);
    expect(tail(['1'], undefined)).toEqual(['1']);
  });

  it("shows the supervisor's restarts as the pod's containers' restartCount", () => {
    const pod = ingressPod(settings, { gateway: 2, 'sds-server': 1, api: 5 }) as any;
    expect(pod.status.containerStatuses).toEqual([
      { name: 'istio-proxy', ready: true, restartCount: 2 },
      { name: 'ingress-sds', ready: true, restartCount: 1 },
    ]);
    expect((ingressPod(settings) as any).status.containerStatuses[0].restartCount).toBe(0);
  });
});
