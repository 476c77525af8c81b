import http from 'node:http';
import type { Socket } from 'node:net';
import type { ChainPlan } from '../model/listener-plan.js';
import { ConnectionSet, type ChainRuntime } from './chain-runtime.js';
import type { AnyResponse } from './local-reply.js';
import type { AnyRequest } from './proxy.js';

/** A plaintext HTTP/1.1 chain (the port 80 listener, where httpsRedirect lives). */
export class PlainHttpChain implements ChainRuntime {
  readonly #server: http.Server;
  readonly #connections = new ConnectionSet();

  constructor(
    readonly plan: ChainPlan,
    handler: (req: AnyRequest, res: AnyResponse) => void,
  ) {
    this.#server = http.createServer(handler);
  }

  get openConnections(): number {
    return this.#connections.size;
  }

  accept(socket: Socket, head: Buffer): void {
    this.#connections.add(socket);
    if (head.length > 0) socket.unshift(head);
    this.#server.emit('connection', socket);
    socket.resume();
  }

  refresh(): void {}

  destroy(): void {
    this.#connections.destroyAll();
  }
}
