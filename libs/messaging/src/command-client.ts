import type { NatsConnection } from '@nats-io/transport-node';
import { ClientProxyFactory, ServerNats, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { CommandFailedError, inboxPrefixOf, type CommandReply } from '#keyway/contracts';
import { natsHealth } from './nats-connection.js';

export interface CommandClientOptions {
  url: string;
  user?: string;
  password?: string;
  timeoutMs?: number;
}

/**
 * Nest microservice options for a NATS request/reply server or client. Reconnects never stop, as
 * with `connectNats`: nats.js's default gives up after 10 attempts, and a service whose command
 * transport gave up stays up without ever answering again.
 */
export function natsTransport(options: { url: string; user?: string; password?: string; queue?: string }) {
  return {
    transport: Transport.NATS as const,
    options: {
      servers: [options.url],
      user: options.user,
      pass: options.password,
      queue: options.queue,
      // Each service's NATS user may read only its own replies (libs/contracts nats-permissions.ts).
      inboxPrefix: options.user ? inboxPrefixOf(options.user) : undefined,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 250,
      // nats.js otherwise builds an Error (a stack trace) for every request, answered or not.
      noAsyncTraces: true,
    },
  };
}

/**
 * The same NATS request/reply server as a transport instance (`createMicroservice(module,
 * { strategy })`), so the app keeps a handle on it and readiness can ask about its connection.
 */
export function natsTransportServer(options: {
  url: string;
  user?: string;
  password?: string;
  queue?: string;
}): ServerNats {
  return new ServerNats(natsTransport(options).options);
}

/**
 * Readiness of a Nest NATS transport: listening (its connection exists only once the app
 * listens), connected, and answering a round trip.
 */
export async function natsTransportHealth(server: ServerNats): Promise<{ ok: boolean; detail?: string }> {
  let nc: NatsConnection;
  try {
    nc = server.unwrap<NatsConnection>();
  } catch {
    return { ok: false, detail: 'transport not listening' };
  }
  return natsHealth(nc);
}

/**
 * Sends commands to other services over NATS request/reply through Nest's client, so the wire
 * format is the one Nest's `@MessagePattern` handlers read.
 */
export class CommandClient {
  readonly #proxy: ClientProxy;
  readonly #timeoutMs: number;

  constructor(options: CommandClientOptions) {
    this.#proxy = ClientProxyFactory.create(natsTransport(options));
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async connect(): Promise<void> {
    await this.#proxy.connect();
  }

  async send<T>(subject: string, payload: unknown): Promise<CommandReply<T>> {
    try {
      return await firstValueFrom(
        this.#proxy.send<CommandReply<T>>(subject, payload).pipe(timeout(this.#timeoutMs)),
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // The bus itself is down or reconnecting: nothing was lost, the caller may retry.
      if (
        /connection lost|reconnect|disconnect|connection closed|connection refused|closed connection/i.test(
          message,
        )
      )
        return {
          ok: false,
          error: {
            code: 'unavailable',
            message: `${subject}: the control plane is unreachable (NATS); retry shortly`,
          },
        };
      const code = /timeout|no responders|empty response/i.test(message) ? 'unavailable' : 'internal';
      return { ok: false, error: { code, message: `${subject}: ${message}` } };
    }
  }

  /** Like send, but throws CommandFailedError on an error reply. */
  async call<T>(subject: string, payload: unknown): Promise<T> {
    const reply = await this.send<T>(subject, payload);
    if (!reply.ok) throw new CommandFailedError(subject, reply.error);
    return reply.result;
  }

  async close(): Promise<void> {
    await this.#proxy.close();
  }
}
