/** Nest injection tokens of the ACME module. */
export const ACME_SERVICE = Symbol('acme.service');
export const ACME_STORE = Symbol('acme.store');
export const ACME_ISSUERS = Symbol('acme.issuers');
export const ACME_RUNTIME = Symbol('acme.runtime');
