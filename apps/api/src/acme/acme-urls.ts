/** The URLs of one issuer's ACME resources, under the base the client reached the api at. */
export class AcmeUrls {
  readonly root: string;

  constructor(
    base: string,
    readonly issuer: string,
  ) {
    this.root = `${base.replace(/\/$/, '')}/acme/${issuer}`;
  }

  get directory() {
    return `${this.root}/directory`;
  }
  get newNonce() {
    return `${this.root}/new-nonce`;
  }
  get newAccount() {
    return `${this.root}/new-account`;
  }
  get newOrder() {
    return `${this.root}/new-order`;
  }
  get revokeCert() {
    return `${this.root}/revoke-cert`;
  }
  get keyChange() {
    return `${this.root}/key-change`;
  }
  account(id: string) {
    return `${this.root}/acct/${id}`;
  }
  orders(accountId: string) {
    return `${this.root}/acct/${accountId}/orders`;
  }
  order(id: string) {
    return `${this.root}/order/${id}`;
  }
  finalize(orderId: string) {
    return `${this.root}/order/${orderId}/finalize`;
  }
  authorization(id: string) {
    return `${this.root}/authz/${id}`;
  }
  challenge(authzId: string, type: string) {
    return `${this.root}/chall/${authzId}/${type}`;
  }
  certificate(serial: string) {
    return `${this.root}/cert/${serial}`;
  }

  /** The account id a kid names, when it is one of this issuer's account URLs. */
  accountIdOf(kid: string): string | undefined {
    const prefix = `${this.root}/acct/`;
    if (!kid.startsWith(prefix)) return undefined;
    const id = kid.slice(prefix.length);
    return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
  }
}

/** The ca record's actor name for an account: stable whatever URL the client used. */
export const accountActorName = (issuer: string, accountId: string) => `acme/${issuer}/acct/${accountId}`;
