import type { CacheView } from './cache-view.js';
import { streamFailure, type StreamEvent, type StreamFailure } from './stream-events.js';
import { resolveTypeUrl, type StreamMode } from './stream-mode.js';
import { contentVersion } from './version.js';
import type { DiscoveryRequest, DiscoveryResponse, XdsNode } from './wire.js';

export interface FetchOptions {
  mode: StreamMode;
  view: (node: XdsNode) => CacheView;
  allowName?: (typeUrl: string, name: string) => boolean;
}

export type FetchOutcome =
  | { ok: true; response: DiscoveryResponse; events: StreamEvent[] }
  | { ok: false; failure: StreamFailure; events: StreamEvent[] };

/**
 * A unary fetch (FetchSecrets): the named resources that exist, in one response. Nothing to
 * hold here, so a fetch of names that do not exist is NOT_FOUND rather than a wait.
 */
export function fetchResources(request: DiscoveryRequest, options: FetchOptions): FetchOutcome {
  const events: StreamEvent[] = [];
  const node = request.node;
  if (!node || typeof node.id !== 'string' || node.id === '') {
    return { ok: false, failure: streamFailure('INVALID_ARGUMENT', 'node.id: required'), events };
  }
  const resolved = resolveTypeUrl(options.mode, request.type_url);
  if (!resolved.ok) return { ok: false, failure: resolved.failure, events };
  const typeUrl = resolved.typeUrl;
  const available = options.view(node).resources(typeUrl);
  const names: string[] = [];
  for (const name of new Set(request.resource_names ?? [])) {
    if (options.allowName && !options.allowName(typeUrl, name))
      events.push({ kind: 'denied', typeUrl, name });
    else if (available.has(name)) names.push(name);
  }
  if (names.length === 0) {
    return {
      ok: false,
      failure: streamFailure('NOT_FOUND', 'resource_names: none of the named resources exist'),
      events,
    };
  }
  names.sort();
  const version = contentVersion(names.map((n) => [n, available.get(n)!.version] as const));
  return {
    ok: true,
    response: {
      version_info: version,
      resources: names.map((n) => ({ type_url: typeUrl, value: available.get(n)!.bytes })),
      type_url: typeUrl,
      nonce: '',
    },
    events,
  };
}
