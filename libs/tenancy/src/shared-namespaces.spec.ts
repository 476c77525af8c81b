import { mayChange } from './shared-namespaces.js';

const teams = [
  { name: 'red', namespaces: ['red', 'istio-system'] },
  { name: 'blue', namespaces: ['blue', 'istio-system'] },
];

describe('objects in a namespace several teams share', () => {
  it.each([
    // caller, namespace, creator, allowed
    ['red', 'istio-system', 'red', true],
    ['blue', 'istio-system', 'red', false],
    ['blue', 'istio-system', null, false],
    [undefined, 'istio-system', 'red', true],
    ['blue', 'istio-system', undefined, true],
    ['red', 'red', 'blue', true],
  ] as const)('%s in %s, created by %s: %s', (caller, namespace, creator, allowed) => {
    expect(mayChange(teams, caller, 'Secret/x/y', namespace, creator).ok).toBe(allowed);
  });

  it('names the owner, the namespace and the teams that share it', () => {
    expect(mayChange(teams, 'blue', 'Secret/istio-system/web', 'istio-system', null)).toEqual({
      ok: false,
      message:
        'Secret/istio-system/web belongs to the platform (admin): in namespace istio-system, which teams blue, red share, a team changes only what it created',
    });
  });
});
