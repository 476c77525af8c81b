import { authorizationTarget, parseOrderIdentifiers, policyRefusalProblem } from './identifiers.js';
import { AcmeError } from './problem.js';
import { errorOf } from './testing/error-of.js';

const dns = (value: string) => ({ type: 'dns', value });

describe('parseOrderIdentifiers', () => {
  it('lowercases, drops a trailing dot, deduplicates and sorts', () => {
    expect(
      parseOrderIdentifiers([dns('B.example.com.'), dns('a.example.com'), dns('b.example.com')]),
    ).toEqual([dns('a.example.com'), dns('b.example.com')]);
  });
  it.each([
    ['no list', undefined, 'malformed'],
    ['an empty list', [], 'malformed'],
    ['an IP identifier', [{ type: 'ip', value: '10.0.0.1' }], 'unsupportedIdentifier'],
    ['not an object', ['a.example.com'], 'malformed'],
    ['an invalid name', [dns('a..example.com')], 'rejectedIdentifier'],
    ['a wildcard inside a label', [dns('a*.example.com')], 'rejectedIdentifier'],
    [
      'more than the limit',
      Array.from({ length: 4 }, (_, i) => dns(`h${i}.example.com`)),
      'rejectedIdentifier',
    ],
  ])('refuses %s', (_name, value, type) => {
    expect(errorOf(() => parseOrderIdentifiers(value, 3))).toBe(type);
  });
  it('names each invalid identifier in a subproblem', () => {
    try {
      parseOrderIdentifiers([dns('ok.example.com'), dns('bad..example.com')]);
      throw new Error('accepted');
    } catch (e) {
      expect((e as AcmeError).problem.subproblems?.map((s) => s.identifier.value)).toEqual([
        'bad..example.com',
      ]);
    }
  });
});

describe('authorizationTarget', () => {
  it.each([
    ['a.example.com', 'a.example.com', false],
    ['*.example.com', 'example.com', true],
  ])('%s is authorized as %s (wildcard %s)', (value, base, wildcard) => {
    expect(authorizationTarget({ type: 'dns', value })).toEqual({ identifier: dns(base), wildcard });
  });
});

describe('policyRefusalProblem', () => {
  const ids = [dns('a.example.com'), dns('*.example.com')].map((d) => ({
    type: 'dns' as const,
    value: d.value,
  }));
  it('gives each refused name a rejectedIdentifier subproblem naming the policy rule', () => {
    const p = policyRefusalProblem(ids, [
      {
        code: 'forbidden',
        resource: 'CaPolicy/payments/web',
        field: 'sans.dns[1]',
        message: '"*.example.com" is a wildcard name and the policy does not allow wildcards',
      },
    ]);
    expect(p.type).toBe('urn:ietf:params:acme:error:rejectedIdentifier');
    expect(p.status).toBe(400);
    expect(p.subproblems).toEqual([
      expect.objectContaining({
        type: 'urn:ietf:params:acme:error:rejectedIdentifier',
        identifier: dns('*.example.com'),
        detail: expect.stringContaining(
          'CaPolicy/payments/web: sans.dns[1]: "*.example.com" is a wildcard name',
        ),
      }),
    ]);
    expect(p.detail).toContain('refuses *.example.com');
  });
  it('puts refusals that name no identifier in the detail', () => {
    const p = policyRefusalProblem(ids, [
      { code: 'forbidden', field: 'policy', message: 'no CA policy applies to team "x"' },
    ]);
    expect(p.subproblems).toBeUndefined();
    expect(p.detail).toContain('policy: no CA policy applies');
  });
});
