import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Who is calling and what they may do. Pure: token format, hashing, and the namespace/verb
 * decision every controller asks for.
 */
/**
 * `audit`: the auditor's scope (as Vault's audit readers): every team's audit record, the whole log's
 * verification and any credential's history, which hold no key material; not the credentials.
 */
export const VERBS = ['read', 'write', 'issue', 'audit'] as const;
export type Verb = (typeof VERBS)[number];

export type Principal =
  | { kind: 'admin'; name: 'admin' }
  | {
      kind: 'token';
      tokenId: string;
      /** The token's name: the actor recorded for its requests. */
      name: string;
      team: string;
      /** The namespaces this token may touch: its scope within its team's namespaces. */
      namespaces: string[];
      verbs: Verb[];
    };

const TOKEN_PREFIX = 'kw_';

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens rest only as their SHA-256. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const ha = Buffer.from(hashToken(a), 'hex');
  const hb = Buffer.from(hashToken(b), 'hex');
  return timingSafeEqual(ha, hb);
}

/** `Authorization: Bearer <token>` -> the token, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return m ? m[1] : undefined;
}

export function actorName(p: Principal): string {
  return p.kind === 'admin' ? 'admin' : `token:${p.name}`;
}

export function actorOf(p: Principal): { kind: 'user'; name: string; team?: string } {
  return p.kind === 'admin' ? { kind: 'user', name: 'admin' } : { kind: 'user', name: p.name, team: p.team };
}

/** Why the principal may not do `verb` in `namespace`, or undefined when it may. */
export function denial(p: Principal, verb: Verb, namespace?: string): string | undefined {
  if (p.kind === 'admin') return undefined;
  // The audit scope spans every namespace: the record of all teams is what an auditor reads.
  if (verb === 'audit') return p.verbs.includes('audit') ? undefined : `token ${p.name} may not audit`;
  if (!p.verbs.includes(verb)) return `token ${p.name} may not ${verb}`;
  if (namespace === undefined) return undefined;
  if (!p.namespaces.includes(namespace)) return `team ${p.team} has no access to namespace ${namespace}`;
  return undefined;
}

/** Reads every team's audit record: the admin and tokens with the audit scope. */
export function auditsEverything(p: Principal): boolean {
  return p.kind === 'admin' || p.verbs.includes('audit');
}

/** Why the principal may not read the audit record of `namespace` (its own, or any with `audit`). */
export function recordDenial(p: Principal, namespace?: string): string | undefined {
  return auditsEverything(p) ? undefined : denial(p, 'read', namespace);
}

/** The namespaces a principal may read; undefined means every namespace. */
export function readableNamespaces(p: Principal): string[] | undefined {
  return p.kind === 'admin' ? undefined : p.verbs.includes('read') ? p.namespaces : [];
}

/** A token's effective scope: what it asked for, within what its team holds now. */
export function effectiveNamespaces(teamNamespaces: string[], tokenNamespaces: string[] | null): string[] {
  if (tokenNamespaces === null) return [...teamNamespaces].sort();
  return tokenNamespaces.filter((n) => teamNamespaces.includes(n)).sort();
}
