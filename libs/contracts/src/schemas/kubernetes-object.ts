import { z } from 'zod';
import { k8sName, k8sNamespace, labels } from './common.js';

/** A manifest as users write it; kind-specific validation happens in the owning service. */
export const objectMeta = z
  .object({
    name: k8sName,
    namespace: k8sNamespace.optional(),
    labels: labels.optional(),
    annotations: labels.optional(),
    creationTimestamp: z.string().optional(),
    resourceVersion: z.string().optional(),
    uid: z.string().optional(),
  })
  .loose();

export const kubernetesObject = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: objectMeta,
  })
  .loose();
export type KubernetesObject = z.infer<typeof kubernetesObject>;

export const secretManifest = kubernetesObject.extend({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  type: z.string().optional(),
  data: z.record(z.string(), z.string()).optional(),
  stringData: z.record(z.string(), z.string()).optional(),
  immutable: z.boolean().optional(),
});
export type SecretManifest = z.infer<typeof secretManifest>;

export const ROUTING_KINDS = ['Gateway', 'VirtualService', 'ServiceEntry', 'ReferenceGrant'] as const;
export const ISTIO_NETWORKING_VERSIONS = [
  'networking.istio.io/v1',
  'networking.istio.io/v1beta1',
  'networking.istio.io/v1alpha3',
] as const;

/** Gateway API's versions, for ReferenceGrant (a Gateway's use of another namespace's Secret). */
export const GATEWAY_API_VERSIONS = [
  'gateway.networking.k8s.io/v1beta1',
  'gateway.networking.k8s.io/v1',
] as const;

export const routingManifest = kubernetesObject
  .extend({
    apiVersion: z.enum([...ISTIO_NETWORKING_VERSIONS, ...GATEWAY_API_VERSIONS]),
    kind: z.enum(ROUTING_KINDS),
    spec: z.record(z.string(), z.unknown()),
  })
  .refine(
    (m) =>
      m.kind === 'ReferenceGrant'
        ? (GATEWAY_API_VERSIONS as readonly string[]).includes(m.apiVersion)
        : (ISTIO_NETWORKING_VERSIONS as readonly string[]).includes(m.apiVersion),
    { message: 'apiVersion does not match the kind', path: ['apiVersion'] },
  );
export type RoutingManifest = z.infer<typeof routingManifest>;
