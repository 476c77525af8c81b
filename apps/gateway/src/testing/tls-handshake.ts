import tls from 'node:tls';

export interface HandshakeResult {
  /** CN of the certificate presented ('' on a resumed session, which presents none). */
  cn: string;
  /** The session was resumed (no certificate, no full key exchange). */
  reused: boolean;
  /** The ticket a full TLS 1.3 handshake ends with, for resuming later. */
  session?: Buffer;
}

/**
 * One TLS handshake with the gateway, offering `session` for resumption, then closed. A full
 * handshake without a session to offer waits for its ticket (TLS 1.3 sends it after Finished).
 */
export function tlsHandshake(options: {
  port: number;
  servername: string;
  ca: string;
  session?: Buffer;
}): Promise<HandshakeResult> {
  return new Promise((resolve, reject) => {
    const { port, servername, ca, session } = options;
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca, session });
    let ticket: Buffer | undefined;
    let done: Omit<HandshakeResult, 'session'> | undefined;
    const finish = () => {
      if (!done || (!done.reused && !session && !ticket)) return;
      resolve({ ...done, session: ticket });
      socket.destroy();
    };
    socket.once('error', reject);
    socket.on('session', (s: Buffer) => {
      ticket = s;
      finish();
    });
    socket.once('secureConnect', () => {
      done = { cn: String(socket.getPeerCertificate().subject?.CN ?? ''), reused: socket.isSessionReused() };
      finish();
    });
  });
}
