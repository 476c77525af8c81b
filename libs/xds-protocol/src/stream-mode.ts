import { ALL_TYPE_URLS, PUSH_ORDER, TypeUrl } from '#keyway/envoy-api';
import { streamFailure, type StreamFailure } from './stream-events.js';

/** ADS carries every type and names it per request; SDS (and any single-type service) implies its type. */
export type StreamMode = { kind: 'ads' } | { kind: 'single'; typeUrl: string };

export const ADS_MODE: StreamMode = { kind: 'ads' };
export const SDS_MODE: StreamMode = { kind: 'single', typeUrl: TypeUrl.Secret };

/** Types with wildcard subscriptions (legacy empty-names and explicit `*`): LDS and CDS, per the xDS spec. */
export const WILDCARD_TYPE_URLS: ReadonlySet<string> = new Set([TypeUrl.Listener, TypeUrl.Cluster]);

export const WILDCARD = '*';

export type TypeResolution = { ok: true; typeUrl: string } | { ok: false; failure: StreamFailure };

export function resolveTypeUrl(mode: StreamMode, requested: string | undefined): TypeResolution {
  const typeUrl = requested ?? '';
  if (mode.kind === 'ads') {
    if (!typeUrl)
      return { ok: false, failure: streamFailure('INVALID_ARGUMENT', 'type_url: required on ADS') };
    return { ok: true, typeUrl };
  }
  if (!typeUrl || typeUrl === mode.typeUrl) return { ok: true, typeUrl: mode.typeUrl };
  return {
    ok: false,
    failure: streamFailure(
      'INVALID_ARGUMENT',
      `type_url: ${typeUrl} is not served here (want ${mode.typeUrl})`,
    ),
  };
}

export function isServedType(typeUrl: string): boolean {
  return (ALL_TYPE_URLS as readonly string[]).includes(typeUrl);
}

/** Sorts type URLs into Envoy's push order (CDS, EDS, LDS, RDS, SDS); unknown types last, by name. */
export function inPushOrder(typeUrls: Iterable<string>): string[] {
  const rank = (t: string): number => {
    const i = (PUSH_ORDER as readonly string[]).indexOf(t);
    return i < 0 ? PUSH_ORDER.length : i;
  };
  return [...new Set(typeUrls)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Nonces unique within a stream: a counter is enough, since nonces never outlive their stream. */
export class NonceSource {
  #next = 0;
  constructor(readonly prefix = '') {}
  next(): string {
    this.#next += 1;
    return `${this.prefix}${this.#next.toString(36)}`;
  }
}
