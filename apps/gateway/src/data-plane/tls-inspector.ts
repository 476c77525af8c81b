import type { Socket } from 'node:net';
import { parseClientHello, type ClientHelloResult } from '#keyway/routing';

export type Inspection =
  | { head: Buffer; hello: ClientHelloResult }
  | { head: Buffer; hello: { kind: 'timeout' } }
  | { head: Buffer; hello: { kind: 'closed' } };

/**
 * Reads a connection's first bytes until the ClientHello is complete (or it is clearly not TLS),
 * without consuming them for anyone else: the caller replays `head` to TLS or the upstream.
 */
export function inspectConnection(socket: Socket, timeoutMs: number): Promise<Inspection> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (hello: Inspection['hello']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      resolve({ head: Buffer.concat(chunks), hello } as Inspection);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      const result = parseClientHello(chunks.length === 1 ? chunk : Buffer.concat(chunks));
      if (result.kind !== 'incomplete') finish(result);
    };
    const onEnd = () => finish({ kind: 'closed' });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}
