// Test-only: a TCP proxy to a service on 127.0.0.1. Whoever connects through it can be partitioned
// from the service (`cut`: the open connections are destroyed and new ones refused) and then healed
// (`heal`: the same port listens again), as a network fault would, without touching the service.
import net from 'node:net';
import { freePort } from '#keyway/infra';

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  cut(): void;
  heal(): Promise<void>;
  close(): void;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const piped = new Set<net.Socket>();
  const port = await freePort();
  let server: net.Server | undefined;
  const listen = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(targetPort, targetHost);
      for (const s of [client, upstream]) {
        piped.add(s);
        s.on('error', () => undefined);
        s.on('close', () => piped.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  };
  await listen();
  const cut = () => {
    server?.close();
    server = undefined;
    for (const s of piped) s.destroy();
  };
  return {
    port,
    cut,
    heal: async () => {
      if (!server) await listen();
    },
    close: cut,
  };
}
