import { directResources } from './lib/k8s.js';

/** k8s/acme-example: cert-manager's ACME ClusterIssuer against keyway, as docs/acme.md describes it. */
describe('k8s/acme-example (cert-manager ClusterIssuer with EAB)', () => {
  const objects = directResources('k8s/acme-example').map((o) => o.object as any);
  const issuer = objects.find((o) => o.kind === 'ClusterIssuer');
  const certificate = objects.find((o) => o.kind === 'Certificate');

  it('points the ClusterIssuer at the api ACME directory of one issuer, bound with an EAB key', () => {
    expect(issuer.apiVersion).toBe('cert-manager.io/v1');
    expect(issuer.spec.acme.server).toMatch(
      /^http:\/\/api\.keyway\.svc\.cluster\.local:8081\/acme\/[a-z0-9-]+\/directory$/,
    );
    expect(issuer.spec.acme.externalAccountBinding).toEqual({
      keyID: expect.stringMatching(/^kw-eab-/),
      keySecretRef: { name: 'keyway-acme-eab', key: 'secret' },
    });
    expect(issuer.spec.acme.solvers[0].http01).toBeDefined();
  });

  it('has a Certificate issued by it, with a key algorithm keyway policies allow', () => {
    expect(certificate.spec.issuerRef).toEqual({ kind: 'ClusterIssuer', name: issuer.metadata.name });
    expect(certificate.spec.privateKey).toMatchObject({ algorithm: 'ECDSA', size: 256 });
    expect(certificate.spec.dnsNames.length).toBeGreaterThan(0);
  });
});
