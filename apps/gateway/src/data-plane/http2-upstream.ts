import http2, { type ClientHttp2Session } from 'node:http2';
import type { Endpoint } from '../model/endpoints.js';

/** An HTTP/2 connection nobody used for this long is closed, like the HTTP/1.1 pool's idle sockets. */
const IDLE_TIMEOUT_MS = 60_000;

/**
 * HTTP/2 to a cluster's endpoints (prior knowledge, h2c): one connection per endpoint carries every
 * concurrent request as its own stream, opened on first use and replaced once it closes or the
 * upstream sends GOAWAY (streams already open finish on the old one).
 */
export class Http2ConnectionPool {
  readonly #sessions = new Map<string, ClientHttp2Session>();

  session(endpoint: Endpoint): ClientHttp2Session {
    const key = `${endpoint.host}:${endpoint.port}`;
    const open = this.#sessions.get(key);
    if (open && !open.closed && !open.destroyed) return open;
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
    const session = http2.connect(`http://${host}:${endpoint.port}`);
    const forget = () => {
      if (this.#sessions.get(key) === session) this.#sessions.delete(key);
    };
    // The streams report the failure to their requests; the session only leaves the pool.
    session.on('error', forget);
    session.on('goaway', forget);
    session.once('close', forget);
    session.setTimeout(IDLE_TIMEOUT_MS, () => session.close());
    // Every stream opened while the connection is still connecting waits for its 'connect': a
    // burst of them is not a listener leak.
    session.setMaxListeners(0);
    this.#sessions.set(key, session);
    return session;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** No new streams; open ones finish. */
  retire(): void {
    for (const s of this.#sessions.values()) s.close();
    this.#sessions.clear();
  }

  destroy(): void {
    for (const s of this.#sessions.values()) s.destroy();
    this.#sessions.clear();
  }
}
