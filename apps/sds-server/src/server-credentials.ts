import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';

/** A type, not an interface: TlsFileReloader takes records of files. */
export type MutualTlsFiles = {
  cert: Buffer;
  key: Buffer;
  /** keyway's CA bundle: client certificates must chain to it. */
  clientCa: Buffer;
  /** The CA's CRL: a revoked client certificate fails verification. */
  crl?: Buffer;
};

function contextOptions(files: MutualTlsFiles): SecureContextOptions {
  return { cert: files.cert, key: files.key, ca: files.clientCa, ...(files.crl ? { crl: files.crl } : {}) };
}

/**
 * Throws, naming the problem, when the files cannot make a TLS context (a key that does not match
 * the certificate, unreadable PEM, a CRL that does not parse): checked before anything is served.
 */
export function checkMutualTlsFiles(files: MutualTlsFiles): void {
  createSecureContext(contextOptions(files));
}

/**
 * TLS that asks for a client certificate but does not end the handshake without a valid one:
 * the stream is then refused with a gRPC status and a log line, which an operator can read,
 * instead of a bare TLS alert. Node still verifies the chain, expiry and the CRL; grpc-js exposes
 * the peer certificate only when that verification passed.
 */
export class MutualTlsCredentials extends ServerCredentials {
  constructor(files: MutualTlsFiles) {
    checkMutualTlsFiles(files);
    super({ requestCert: true, rejectUnauthorized: false }, contextOptions(files));
  }

  /**
   * New certificate, key, CA or CRL for the handshakes that follow (grpc-js swaps the listening
   * server's secure context); open streams keep the session they have. Throws, changing nothing,
   * when the files cannot make a TLS context.
   */
  update(files: MutualTlsFiles): void {
    checkMutualTlsFiles(files);
    this.updateSecureContextOptions(contextOptions(files));
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

export function mutualTlsCredentials(files: MutualTlsFiles): MutualTlsCredentials {
  return new MutualTlsCredentials(files);
}
