import { ErrorCodes, type FieldError } from './field-error.js';
import { readGateway, type Gateway } from './gateway.js';
import {
  readEndpointSlice,
  readKubeService,
  type EndpointSlice,
  type KubeService,
} from './kubernetes-service.js';
import { FieldReader, isObject } from './reader.js';
import { readReferenceGrant, REFERENCE_GRANT_API_VERSIONS, type ReferenceGrant } from './reference-grant.js';
import { readServiceEntry, type ServiceEntry } from './service-entry.js';
import { readVirtualService, type VirtualService } from './virtual-service.js';

export const ISTIO_API_VERSIONS = [
  'networking.istio.io/v1',
  'networking.istio.io/v1beta1',
  'networking.istio.io/v1alpha3',
] as const;

export type RoutingResource =
  Gateway | VirtualService | ServiceEntry | KubeService | EndpointSlice | ReferenceGrant;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

type Reader = (r: FieldReader, obj: Record<string, unknown>) => RoutingResource;

/** Every kind keyway reads, with the apiVersions it accepts: one visible registration table. */
const READERS: Record<string, { apiVersions: readonly string[]; read: Reader }> = {
  Gateway: { apiVersions: ISTIO_API_VERSIONS, read: readGateway },
  VirtualService: { apiVersions: ISTIO_API_VERSIONS, read: readVirtualService },
  ServiceEntry: { apiVersions: ISTIO_API_VERSIONS, read: readServiceEntry },
  Service: { apiVersions: ['v1'], read: readKubeService },
  EndpointSlice: { apiVersions: ['discovery.k8s.io/v1'], read: readEndpointSlice },
  ReferenceGrant: { apiVersions: REFERENCE_GRANT_API_VERSIONS, read: readReferenceGrant },
};

export const ROUTING_RESOURCE_KINDS: readonly string[] = Object.keys(READERS);

/** Parse one YAML-decoded manifest; every problem comes back as data with its field path. */
export function parseRoutingResource(value: unknown): ParseResult<RoutingResource> {
  if (!isObject(value)) {
    return {
      ok: false,
      errors: [{ code: ErrorCodes.invalidType, field: '', message: 'a manifest must be an object' }],
    };
  }
  const kind = typeof value.kind === 'string' ? value.kind : '';
  const meta = isObject(value.metadata) ? value.metadata : {};
  const resource = `${kind || '?'}/${typeof meta.namespace === 'string' ? meta.namespace : 'default'}/${typeof meta.name === 'string' ? meta.name : '?'}`;
  const entry = READERS[kind];
  if (!entry) {
    const message = `kind must be one of ${ROUTING_RESOURCE_KINDS.join(', ')}`;
    return { ok: false, errors: [{ code: ErrorCodes.unknownKind, resource, field: 'kind', message }] };
  }
  if (!entry.apiVersions.includes(String(value.apiVersion))) {
    const message = `apiVersion for ${kind} must be one of ${entry.apiVersions.join(', ')}`;
    return { ok: false, errors: [{ code: ErrorCodes.invalidValue, resource, field: 'apiVersion', message }] };
  }
  const reader = new FieldReader(resource);
  const parsed = entry.read(reader, value);
  return reader.errors.length > 0 ? { ok: false, errors: reader.errors } : { ok: true, value: parsed };
}

/** Narrowing helpers for callers that parse a mixed list. */
export function isGateway(r: RoutingResource): r is Gateway {
  return r.kind === 'Gateway';
}
export function isVirtualService(r: RoutingResource): r is VirtualService {
  return r.kind === 'VirtualService';
}
