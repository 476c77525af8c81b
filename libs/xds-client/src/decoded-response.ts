import { decodeMessage } from '#keyway/envoy-api';
import type { DiscoveryResponse } from './wire.js';

export interface DecodedResource {
  name: string;
  /** The resource as `decodeMessage` returns it (snake_case, enums as names). */
  message: Record<string, unknown>;
}

export interface XdsUpdate {
  typeUrl: string;
  version: string;
  nonce: string;
  resources: DecodedResource[];
}

export type DecodeOutcome = { ok: true; update: XdsUpdate } | { ok: false; message: string };

/** Decodes every resource of a response; a wrong type URL, bad bytes or a nameless resource NACKs it all. */
export function decodeResponse(response: DiscoveryResponse): DecodeOutcome {
  const typeUrl = response.type_url ?? '';
  const resources: DecodedResource[] = [];
  const seen = new Set<string>();
  for (const [i, any] of (response.resources ?? []).entries()) {
    if (any.type_url !== typeUrl)
      return { ok: false, message: `resources[${i}]: type ${any.type_url} in a ${typeUrl} response` };
    let message: Record<string, unknown>;
    try {
      message = decodeMessage(typeUrl, any.value);
    } catch (e) {
      return { ok: false, message: `resources[${i}]: cannot decode: ${(e as Error).message}` };
    }
    const name = resourceName(message);
    if (!name) return { ok: false, message: `resources[${i}]: resource has no name` };
    if (seen.has(name)) return { ok: false, message: `resources[${i}]: duplicate resource ${name}` };
    seen.add(name);
    resources.push({ name, message });
  }
  return {
    ok: true,
    update: { typeUrl, version: response.version_info ?? '', nonce: response.nonce ?? '', resources },
  };
}

/** Every xDS type names itself with `name`, except ClusterLoadAssignment (`cluster_name`). */
export function resourceName(message: Record<string, unknown>): string | undefined {
  const name = message.name ?? message.cluster_name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
