/**
 * Every NATS request/reply subject keyway uses. Nothing outside this file spells a subject.
 * Handlers bind with `@MessagePattern(Subjects.secrets.apply)`.
 */
export const Subjects = {
  secrets: {
    apply: 'keyway.secrets.apply',
    delete: 'keyway.secrets.delete',
    get: 'keyway.secrets.get',
    list: 'keyway.secrets.list',
    analyze: 'keyway.secrets.analyze',
  },
  credentials: {
    history: 'keyway.credentials.history',
    version: 'keyway.credentials.version',
    list: 'keyway.credentials.list',
  },
  audit: {
    verify: 'keyway.audit.verify',
    events: 'keyway.audit.events',
  },
  routing: {
    apply: 'keyway.routing.apply',
    delete: 'keyway.routing.delete',
    get: 'keyway.routing.get',
    list: 'keyway.routing.list',
    status: 'keyway.routing.status',
    analyze: 'keyway.routing.analyze',
  },
  ca: {
    createRoot: 'keyway.ca.create-root',
    createIntermediate: 'keyway.ca.create-intermediate',
    import: 'keyway.ca.import',
    issue: 'keyway.ca.issue',
    sign: 'keyway.ca.sign',
    /** A policy decision without issuing (ACME newOrder); refusals are recorded. */
    authorize: 'keyway.ca.authorize',
    revoke: 'keyway.ca.revoke',
    crl: 'keyway.ca.crl',
    list: 'keyway.ca.list',
    issueCredential: 'keyway.ca.issue-credential',
    /** The CA's hash-chained record of decisions, issuances, revocations and CRLs: verify it. */
    verifyRecords: 'keyway.ca.records.verify',
    /** The same record as audit events (`keyway audit log`). */
    recordEvents: 'keyway.ca.records.events',
    certificates: {
      apply: 'keyway.ca.certificates.apply',
      get: 'keyway.ca.certificates.get',
      list: 'keyway.ca.certificates.list',
      delete: 'keyway.ca.certificates.delete',
    },
    policies: {
      apply: 'keyway.ca.policies.apply',
      get: 'keyway.ca.policies.get',
      list: 'keyway.ca.policies.list',
    },
  },
  proxies: {
    status: 'keyway.proxies.status',
    config: 'keyway.proxies.config',
  },
} as const;

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];
export type Subject = Leaves<typeof Subjects>;

export function allSubjects(): Subject[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') out.push(node);
    else for (const v of Object.values(node as object)) walk(v);
  };
  walk(Subjects);
  return out as Subject[];
}
