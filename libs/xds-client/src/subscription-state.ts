import { INVALID_ARGUMENT, type DiscoveryRequest, type XdsNode } from './wire.js';

export const WILDCARD = '*';

/**
 * One resource type on an ADS stream, state of the world: what is subscribed, the version last
 * applied (sent back as version_info in every request, so a NACK names the version still in use),
 * and the nonce of the last response (so the server can tell which response a request answers).
 */
export class SubscriptionState {
  #names: string[] | typeof WILDCARD;
  #ackedVersion = '';
  #nonce = '';
  #lastError?: string;

  constructor(
    readonly typeUrl: string,
    names: readonly string[] | typeof WILDCARD,
  ) {
    this.#names = normalize(names);
  }

  get names(): readonly string[] | typeof WILDCARD {
    return this.#names;
  }

  get ackedVersion(): string {
    return this.#ackedVersion;
  }

  get nonce(): string {
    return this.#nonce;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Replaces the subscription; returns false when it did not change (no request is needed). */
  setNames(names: readonly string[] | typeof WILDCARD): boolean {
    const next = normalize(names);
    if (JSON.stringify(next) === JSON.stringify(this.#names)) return false;
    this.#names = next;
    return true;
  }

  /** The request announcing the current subscription (first request of a stream, or a change). */
  subscribeRequest(node: XdsNode): DiscoveryRequest {
    return this.request(node);
  }

  /** A new stream starts without a nonce; the version tells the server what is already applied. */
  streamReset(): void {
    this.#nonce = '';
  }

  ack(version: string, nonce: string, node: XdsNode): DiscoveryRequest {
    this.#ackedVersion = version;
    this.#nonce = nonce;
    this.#lastError = undefined;
    return this.request(node);
  }

  nack(nonce: string, message: string, node: XdsNode): DiscoveryRequest {
    this.#nonce = nonce;
    this.#lastError = message;
    return { ...this.request(node), error_detail: { code: INVALID_ARGUMENT, message } };
  }

  private request(node: XdsNode): DiscoveryRequest {
    return {
      version_info: this.#ackedVersion,
      node,
      resource_names: this.#names === WILDCARD ? [] : [...this.#names],
      type_url: this.typeUrl,
      response_nonce: this.#nonce,
    };
  }
}

function normalize(names: readonly string[] | typeof WILDCARD): string[] | typeof WILDCARD {
  return names === WILDCARD ? WILDCARD : [...new Set(names)].sort();
}
