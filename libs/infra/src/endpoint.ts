import net from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

/** Host and port of a nats:// or postgres:// URL, with the protocol's default port. */
export function hostPortOf(url: string, defaultPort: number): HostPort {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: u.port ? Number(u.port) : defaultPort };
}

/** True when something accepts TCP connections there. */
export function isListening({ host, port }: HostPort, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitUntilListening(target: HostPort, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isListening(target))) {
    if (Date.now() > deadline)
      throw new InfraError(
        `${what} did not start listening on ${target.host}:${target.port} within ${timeoutMs} ms`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class InfraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraError';
  }
}

/** A TCP port nothing listens on right now (for tests that prove bring-up from nothing). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
