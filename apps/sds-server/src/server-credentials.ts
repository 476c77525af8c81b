import { ServerCredentials } from '@grpc/grpc-js';

export interface MutualTlsFiles {
  cert: Buffer;
  key: Buffer;
  /** keyway's CA bundle: client certificates must chain to it. */
  clientCa: Buffer;
  /** The CA's CRL: a revoked client certificate fails verification. */
  crl?: Buffer;
}

/**
 * TLS that asks for a client certificate but does not end the handshake without a valid one:
 * the stream is then refused with a gRPC status and a log line, which an operator can read,
 * instead of a bare TLS alert. Node still verifies the chain, expiry and the CRL; grpc-js exposes
 * the peer certificate only when that verification passed.
 */
class VerifyingServerCredentials extends ServerCredentials {
  constructor(files: MutualTlsFiles) {
    super(
      { requestCert: true, rejectUnauthorized: false },
      { cert: files.cert, key: files.key, ca: files.clientCa, ...(files.crl ? { crl: files.crl } : {}) },
    );
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

export function mutualTlsCredentials(files: MutualTlsFiles): ServerCredentials {
  return new VerifyingServerCredentials(files);
}
