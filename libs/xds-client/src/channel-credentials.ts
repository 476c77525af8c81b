import * as grpc from '@grpc/grpc-js';
import type { PrivateKeyPem } from '#keyway/key-material';

/** How the client reaches the control plane: plaintext (local, token auth) or TLS (optionally mTLS). */
export type XdsTransport =
  | { kind: 'insecure' }
  | {
      kind: 'tls';
      /** PEM of the CA that signed the server's certificate. */
      ca: string;
      /** Client certificate chain and key for mTLS; both or neither. */
      certificateChain?: string;
      privateKey?: PrivateKeyPem;
      /** Name to verify the server certificate against when the target is an address. */
      serverName?: string;
    };

export function channelCredentials(transport: XdsTransport): {
  credentials: grpc.ChannelCredentials;
  options: grpc.ChannelOptions;
} {
  if (transport.kind === 'insecure') return { credentials: grpc.credentials.createInsecure(), options: {} };
  const key = transport.privateKey ? Buffer.from(transport.privateKey.reveal()) : null;
  const chain = transport.certificateChain ? Buffer.from(transport.certificateChain) : null;
  const credentials = grpc.credentials.createSsl(Buffer.from(transport.ca), key, chain);
  const options: grpc.ChannelOptions = transport.serverName
    ? {
        'grpc.ssl_target_name_override': transport.serverName,
        'grpc.default_authority': transport.serverName,
      }
    : {};
  return { credentials, options };
}
