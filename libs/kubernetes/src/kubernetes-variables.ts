import { KubernetesClient } from './kubernetes-client.js';

/**
 * The secret-watcher once read KUBE_*; every source now reads the same KUBERNETES_* variables
 * (libs/config). An old name still set is refused, naming its replacement (defineConfig's `renamed`).
 */
export const KUBERNETES_RENAMED = {
  KUBE_API_URL: 'KUBERNETES_API_URL',
  KUBE_TOKEN: 'KUBERNETES_TOKEN_FILE',
  KUBE_CA_FILE: 'KUBERNETES_CA_FILE',
} as const;

export interface KubernetesConnection {
  KUBERNETES_API_URL?: string;
  KUBERNETES_TOKEN_FILE?: string;
  KUBERNETES_CA_FILE?: string;
}

/** The client a service's KUBERNETES_* settings describe, or undefined when KUBERNETES_API_URL is unset. */
export function kubernetesClientFrom(config: KubernetesConnection): KubernetesClient | undefined {
  if (!config.KUBERNETES_API_URL) return undefined;
  return new KubernetesClient({
    server: config.KUBERNETES_API_URL,
    tokenFile: config.KUBERNETES_TOKEN_FILE,
    caFile: config.KUBERNETES_CA_FILE,
  });
}
