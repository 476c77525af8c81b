import { PrivateKeyPem } from '#keyway/key-material';
import { OpensslTestCa } from '#keyway/testing';

export interface TestIdentity {
  certificateChain: string;
  privateKey: PrivateKeyPem;
}

export interface TestCertificates {
  ca: string;
  server: TestIdentity;
  client: TestIdentity;
  cleanup(): Promise<void>;
}

/**
 * A throwaway CA (keyway's one openssl test CA, libs/testing) with a server (SAN `xds.test`,
 * 127.0.0.1) and a client certificate (the gateway's SPIFFE identity).
 */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const ca = new OpensslTestCa('keyway-xds-test-ca');
  const identity = (cn: string, san: string, usage: 'serverAuth' | 'clientAuth'): TestIdentity => {
    const leaf = ca.issue({ cn, san, usage });
    return {
      certificateChain: leaf.cert.toString('utf8'),
      privateKey: new PrivateKeyPem(leaf.key.toString('utf8')),
    };
  };
  return {
    ca: ca.cert.toString('utf8'),
    server: identity('server', 'DNS:xds.test,IP:127.0.0.1', 'serverAuth'),
    client: identity('client', 'URI:spiffe://cluster.local/ns/istio-system/sa/gateway', 'clientAuth'),
    cleanup: async () => ca.remove(),
  };
}
