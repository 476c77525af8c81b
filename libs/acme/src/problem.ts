/**
 * RFC 8555 §6.7 problem documents (RFC 7807): every refusal the ACME server answers is one of these,
 * with an error type from the `urn:ietf:params:acme:error:` namespace and the HTTP status it goes with.
 */
export const ACME_ERROR_PREFIX = 'urn:ietf:params:acme:error:';

/** The RFC 8555 §6.7 error types keyway answers, with their HTTP status. */
export const ACME_ERRORS = {
  accountDoesNotExist: 400,
  alreadyRevoked: 400,
  badCSR: 400,
  badNonce: 400,
  badPublicKey: 400,
  badRevocationReason: 400,
  badSignatureAlgorithm: 400,
  caa: 403,
  compound: 403,
  connection: 400,
  dns: 400,
  externalAccountRequired: 403,
  incorrectResponse: 403,
  invalidContact: 400,
  malformed: 400,
  orderNotReady: 403,
  rateLimited: 429,
  rejectedIdentifier: 400,
  serverInternal: 500,
  tls: 400,
  unauthorized: 403,
  unsupportedContact: 400,
  unsupportedIdentifier: 400,
  userActionRequired: 403,
} as const;

export type AcmeErrorType = keyof typeof ACME_ERRORS;

export interface AcmeIdentifier {
  type: 'dns';
  value: string;
}

export interface AcmeProblem {
  type: string;
  detail: string;
  status: number;
  /** RFC 8555 §6.7.1: one problem per identifier, for an order refused in parts. */
  subproblems?: Array<{ type: string; detail: string; identifier: AcmeIdentifier }>;
  /** badSignatureAlgorithm: the algorithms this server accepts. */
  algorithms?: string[];
}

/** A problem document as a thrown value: the HTTP door answers it as application/problem+json. */
export class AcmeError extends Error {
  constructor(readonly problem: AcmeProblem) {
    super(`${problem.type}: ${problem.detail}`);
    this.name = 'AcmeError';
  }
}

/** Longest detail a problem carries: details quote client text, so they are cut. */
export const MAX_DETAIL = 1024;

export function problem(type: AcmeErrorType, detail: string, extra: Partial<AcmeProblem> = {}): AcmeProblem {
  return {
    type: ACME_ERROR_PREFIX + type,
    detail: detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail,
    status: ACME_ERRORS[type],
    ...extra,
  };
}

export function acmeError(type: AcmeErrorType, detail: string, extra: Partial<AcmeProblem> = {}): AcmeError {
  return new AcmeError(problem(type, detail, extra));
}

/** The short name (`badNonce`) of a problem's type, or undefined for another namespace. */
export function errorTypeOf(p: Pick<AcmeProblem, 'type'>): AcmeErrorType | undefined {
  if (!p.type.startsWith(ACME_ERROR_PREFIX)) return undefined;
  const name = p.type.slice(ACME_ERROR_PREFIX.length);
  return name in ACME_ERRORS ? (name as AcmeErrorType) : undefined;
}
