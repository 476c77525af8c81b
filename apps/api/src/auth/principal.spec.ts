import {
  bearerToken,
  denial,
  effectiveNamespaces,
  recordDenial,
  generateToken,
  hashToken,
  readableNamespaces,
  type Principal,
} from './principal.js';
import { TokenBucketLimiter } from './rate-limiter.js';

const teamA: Principal = {
  kind: 'token',
  tokenId: 't1',
  name: 'ci',
  team: 'team-a',
  namespaces: ['a1', 'a2'],
  verbs: ['read', 'write'],
};

describe('principal', () => {
  it('generates distinct tokens and stores only a SHA-256', () => {
    const t = generateToken();
    expect(t).toMatch(/^kw_[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(t);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toContain(t.slice(3, 10));
  });

  it('reads bearer tokens only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('allows a team its own namespaces and verbs only', () => {
    expect(denial(teamA, 'read', 'a1')).toBeUndefined();
    expect(denial(teamA, 'write', 'b1')).toBe('team team-a has no access to namespace b1');
    expect(denial(teamA, 'issue')).toBe('token ci may not issue');
    expect(denial({ kind: 'admin', name: 'admin' }, 'issue', 'anything')).toBeUndefined();
    expect(readableNamespaces(teamA)).toEqual(['a1', 'a2']);
    expect(readableNamespaces({ ...teamA, verbs: ['write'] })).toEqual([]);
  });

  it.each([
    ['its own namespace, with read', teamA, 'a1', undefined],
    ["another team's namespace, with read", teamA, 'b1', 'team team-a has no access to namespace b1'],
    ['every namespace, with read', teamA, undefined, undefined],
    ['any namespace, with the audit scope', { ...teamA, namespaces: [], verbs: ['audit'] }, 'b1', undefined],
    ['its own namespace, with write only', { ...teamA, verbs: ['write'] }, 'a1', 'token ci may not read'],
  ] as Array<[string, Principal, string | undefined, string | undefined]>)(
    'the audit record: %s',
    (_what, p, ns, why) => expect(recordDenial(p, ns)).toBe(why),
  );

  it('the audit scope reads the record, nothing else', () => {
    const auditor: Principal = { ...teamA, namespaces: [], verbs: ['audit'] };
    expect(denial(auditor, 'audit')).toBeUndefined();
    expect(denial(teamA, 'audit')).toBe('token ci may not audit');
    expect(denial(auditor, 'read', 'a1')).toBe('token ci may not read');
    expect(readableNamespaces(auditor)).toEqual([]);
  });

  it("scopes a token within its team's current namespaces", () => {
    expect(effectiveNamespaces(['b', 'a'], null)).toEqual(['a', 'b']);
    expect(effectiveNamespaces(['a'], ['a', 'x'])).toEqual(['a']);
  });
});

describe('TokenBucketLimiter', () => {
  it('allows a burst, refuses beyond it, and refills with time', () => {
    let t = 0;
    const limiter = new TokenBucketLimiter(2, 3, () => t);
    expect([1, 2, 3].map(() => limiter.take('k').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('k');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 0 });
    expect(limiter.take('other').allowed).toBe(true);
    t = 500;
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(false);
    t = 10_000;
    expect(limiter.take('k').remaining).toBe(2);
  });
});
