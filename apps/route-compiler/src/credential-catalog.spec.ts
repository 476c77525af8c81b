import { CredentialCatalog } from './credential-catalog.js';

const put = (key: string) => ({ kind: 'put' as const, key, revision: 1 });
const del = (key: string) => ({ kind: 'delete' as const, key, revision: 2 });

describe('credential catalog', () => {
  it('tracks credential names per namespace from bucket keys', () => {
    const c = new CredentialCatalog();
    expect(c.apply(put('istio-system.httpbin-credential'))).toBe(true);
    expect(c.apply(put('istio-system.httpbin-credential-cacert'))).toBe(true);
    expect(c.apply(put('team-a.web'))).toBe(true);
    expect([...c.names('istio-system')].sort()).toEqual(['httpbin-credential', 'httpbin-credential-cacert']);
    expect([...c.names('team-a')]).toEqual(['web']);
    expect(c.names('nowhere').size).toBe(0);
  });

  it('keeps a namespace set identical until its contents change (the compiler memoizes on identity)', () => {
    const c = new CredentialCatalog();
    c.apply(put('istio-system.a'));
    const before = c.names('istio-system');
    expect(c.apply(put('istio-system.a'))).toBe(false); // a new revision of an existing credential
    expect(c.apply(put('team-a.b'))).toBe(true);
    expect(c.names('istio-system')).toBe(before);
    expect(c.apply(del('istio-system.a'))).toBe(true);
    expect(c.names('istio-system')).not.toBe(before);
    expect(c.names('istio-system').size).toBe(0);
    expect(c.apply(del('istio-system.a'))).toBe(false);
  });
});
