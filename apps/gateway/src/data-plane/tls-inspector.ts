import type { Socket } from 'node:net';
import { parseClientHello, type ClientHelloResult } from '#keyway/routing';

export type InspectionResult = ClientHelloResult | { kind: 'timeout' } | { kind: 'closed' };

/**
 * Reads a connection's first bytes until the ClientHello is complete (or it is clearly not TLS),
 * without consuming them for anyone else: the caller replays `head` to TLS or the upstream. The
 * usual ClientHello arrives in one read and is parsed where it lies; only a hello split over reads
 * is joined. `done` is called once, with the socket paused.
 */
export function inspectConnection(
  socket: Socket,
  timeoutMs: number,
  done: (head: Buffer, result: InspectionResult) => void,
): void {
  let head: Buffer | undefined;
  let settled = false;
  const finish = (result: InspectionResult) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onEnd);
    socket.pause();
    done(head ?? EMPTY, result);
  };
  const onData = (chunk: Buffer) => {
    head = head ? Buffer.concat([head, chunk]) : chunk;
    const result = parseClientHello(head);
    if (result.kind !== 'incomplete') finish(result);
  };
  const onEnd = () => finish({ kind: 'closed' });
  const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
  socket.on('data', onData);
  socket.once('end', onEnd);
  socket.once('close', onEnd);
  socket.resume();
}

const EMPTY = Buffer.alloc(0);
