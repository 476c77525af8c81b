/**
 * The local suite's gateway presented as Kubernetes presents Istio's: the `istio-ingressgateway`
 * Service and Pod in `istio-system`, so the walkthrough's `kubectl get service|pod` lines work.
 * Pure: settings in, Kubernetes-shaped objects out.
 */
export interface IngressSettings {
  namespace: string;
  serviceName: string;
  podName: string;
  host: string;
  httpsPort: number;
  httpPort: number;
  labels: Record<string, string>;
  startedAt: string;
}

export function ingressService(s: IngressSettings): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: s.serviceName,
      namespace: s.namespace,
      labels: s.labels,
      creationTimestamp: s.startedAt,
    },
    spec: {
      type: 'LoadBalancer',
      selector: s.labels,
      clusterIP: s.host,
      ports: [
        { name: 'http2', port: s.httpPort, protocol: 'TCP', targetPort: s.httpPort },
        { name: 'https', port: s.httpsPort, protocol: 'TCP', targetPort: s.httpsPort },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: s.host }] } },
  };
}

/** Restarts by suite process name, as the local supervisor records them (logs/supervisor.json). */
export type SuiteRestarts = Readonly<Record<string, number>>;

/** The gateway pod: istio-proxy is keyway's gateway, ingress-sds its sds-server. */
export function ingressPod(s: IngressSettings, restarts: SuiteRestarts = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: s.podName, namespace: s.namespace, labels: s.labels, creationTimestamp: s.startedAt },
    spec: { containers: [{ name: 'istio-proxy' }, { name: 'ingress-sds' }] },
    status: {
      phase: 'Running',
      podIP: s.host,
      startTime: s.startedAt,
      containerStatuses: [
        { name: 'istio-proxy', ready: true, restartCount: restarts.gateway ?? 0 },
        { name: 'ingress-sds', ready: true, restartCount: restarts['sds-server'] ?? 0 },
      ],
    },
  };
}

/** `istio=ingressgateway,app=x` -> does `labels` match every term (=, ==, !=, bare key)? */
export function matchesSelector(labels: Record<string, string>, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .every((term) => {
      const ne = /^([^!=]+)!=(.*)$/.exec(term);
      if (ne) return labels[ne[1].trim()] !== ne[2].trim();
      const eq = /^([^=]+)==?(.*)$/.exec(term);
      if (eq) return labels[eq[1].trim()] === eq[2].trim();
      if (term.startsWith('!')) return !(term.slice(1) in labels);
      return term in labels;
    });
}

/** Which service's log a pod container reads: the gateway's proxy, or the sds-server's pushes. */
export const CONTAINER_LOGS: Record<string, string> = {
  'istio-proxy': 'gateway',
  'ingress-sds': 'sds-server',
};

/** Of a service log, the lines about one gateway (its namespace or pod appear in the line). */
export function linesFor(text: string, needles: string[]): string[] {
  return text.split('\n').filter((l) => l.length > 0 && needles.some((n) => l.includes(n)));
}

export function tail(lines: string[], n: number | undefined): string[] {
  return n === undefined || n < 0 ? lines : lines.slice(Math.max(0, lines.length - n));
}
