// Test-only helpers: certificates, CRLs and Secrets made on the fly. Not exported from the library.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  Issuer,
  createCrl,
  generateKeyPair,
  issueCertificate,
  type KeyType,
  type RevokedEntry,
} from '#keyway/pki';
import type { SecretInput } from '../secret.js';

const DAY = 24 * 60 * 60 * 1000;

export interface TestCa {
  issuer: Issuer;
  pem: string;
}

export interface TestLeaf {
  pem: string;
  /** PEM private key; tests pass it into Secrets and never print it. */
  keyPem: string;
}

export function makeRoot(commonName: string, keyType: KeyType = 'ecdsa-p256'): TestCa {
  const keyPair = generateKeyPair(keyType);
  const cert = issueCertificate({
    profile: 'root-ca',
    subject: { commonName, organization: 'keyway tests' },
    notAfter: new Date(Date.now() + 3650 * DAY),
    keyPair,
  });
  return { issuer: Issuer.from({ certificate: cert.pem, privateKey: keyPair.privateKey }), pem: cert.pem };
}

export function makeIntermediate(parent: TestCa, commonName: string): TestCa {
  const keyPair = generateKeyPair('ecdsa-p256');
  const cert = issueCertificate({
    profile: 'intermediate-ca',
    subject: { commonName },
    notAfter: new Date(Date.now() + 1000 * DAY),
    issuer: parent.issuer,
    keyPair,
  });
  return { issuer: Issuer.from({ certificate: cert.pem, privateKey: keyPair.privateKey }), pem: cert.pem };
}

export interface LeafOptions {
  dns?: string[];
  notBefore?: Date;
  notAfter?: Date;
  keyType?: KeyType;
  /** A key the library cannot generate (RSA-1024, P-521, Ed25519). */
  nodeKey?: { privateKey: KeyObject; publicKey: KeyObject };
  serialHex?: string;
}

export function makeLeaf(issuer: TestCa, options: LeafOptions = {}): TestLeaf {
  const dns = options.dns ?? ['httpbin.example.com'];
  const common = {
    profile: 'server' as const,
    subject: { commonName: dns[0], organization: 'httpbin organization' },
    sans: { dns },
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY),
    issuer: issuer.issuer,
    serialHex: options.serialHex,
  };
  if (options.nodeKey) {
    const cert = issueCertificate({ ...common, publicKey: options.nodeKey.publicKey });
    return {
      pem: cert.pem,
      keyPem: options.nodeKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    };
  }
  const keyPair = generateKeyPair(options.keyType ?? 'ecdsa-p256');
  const cert = issueCertificate({ ...common, keyPair });
  return { pem: cert.pem, keyPem: keyPair.privateKeyPem.reveal() };
}

export function rsaKey(bits: number): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: bits });
}

export function ecKey(namedCurve: string): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve });
}

export function ed25519Key(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

export function makeCrl(
  ca: TestCa,
  revoked: RevokedEntry[] = [],
  nextUpdate = new Date(Date.now() + 7 * DAY),
): string {
  return createCrl({
    issuer: ca.issuer,
    revoked,
    nextUpdate,
    thisUpdate: new Date(nextUpdate.getTime() - 14 * DAY),
    crlNumber: 1,
  });
}

/** A Secret manifest with `data` in base64, as Kubernetes stores it. */
export function secret(
  name: string,
  data: Record<string, string>,
  options: { namespace?: string; type?: string } = {},
): SecretInput {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: options.namespace ?? 'default' },
    type: options.type ?? 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}
