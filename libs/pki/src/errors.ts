import type { FieldProblem } from '#keyway/contracts';

/** Base class of every error this library throws, so callers can catch PKI failures as one kind. */
export class PkiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PkiError';
  }
}

/** Malformed or unsupported DER: the message names the structure path and byte offset. */
export class DerError extends PkiError {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** Missing, mismatched or corrupt PEM armour. */
export class PemError extends PkiError {
  constructor(message: string) {
    super(message);
    this.name = 'PemError';
  }
}

/** Unsupported key type, or a private key that cannot be loaded. Never carries key material. */
export class KeyError extends PkiError {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

/** A certificate or key that cannot act as an issuer (not a CA, key does not match). */
export class IssuerError extends PkiError {
  constructor(message: string) {
    super(message);
    this.name = 'IssuerError';
  }
}

/** One invalid field of a request, by path (`sans.dns[0]`): the project's one FieldProblem. */
export type { FieldProblem };

/** An issue/CSR/CRL request that failed validation; `problems` lists every invalid field. */
export class RequestError extends PkiError {
  readonly problems: FieldProblem[];

  constructor(what: string, problems: FieldProblem[]) {
    super(`${what}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'RequestError';
    this.problems = problems;
  }
}
