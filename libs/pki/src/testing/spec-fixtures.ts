// Shared by this library's specs: a small hierarchy issued once per test file.
import { issueCertificate, type IssueResult } from '../certificate.js';
import { Issuer } from '../issuer.js';
import type { KeyType } from '../keys.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Hierarchy {
  root: IssueResult;
  rootIssuer: Issuer;
  intermediate: IssueResult;
  intermediateIssuer: Issuer;
}

export function hierarchy(keyType: KeyType = 'ecdsa-p256', now = new Date()): Hierarchy {
  const root = issueCertificate({
    profile: 'root-ca',
    subject: { commonName: 'keyway test root', organization: 'keyway' },
    keyType,
    notBefore: new Date(now.getTime() - HOUR),
    notAfter: new Date(now.getTime() + 3650 * DAY),
  });
  const rootIssuer = Issuer.from({ certificate: root.pem, privateKey: root.keyPair!.privateKeyPem });
  const intermediate = issueCertificate({
    profile: 'intermediate-ca',
    subject: { commonName: 'keyway test intermediate', organization: 'keyway' },
    issuer: rootIssuer,
    pathLen: 0,
    keyType,
    notBefore: new Date(now.getTime() - HOUR),
    notAfter: new Date(now.getTime() + 365 * DAY),
  });
  const intermediateIssuer = Issuer.from({
    certificate: intermediate.der,
    privateKey: intermediate.keyPair!.privateKey,
  });
  return { root, rootIssuer, intermediate, intermediateIssuer };
}
