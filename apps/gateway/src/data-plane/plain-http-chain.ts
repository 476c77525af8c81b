import http from 'node:http';
import type { Socket } from 'node:net';
import type { ChainPlan } from '../model/listener-plan.js';
import { ConnectionSet, type ChainRuntime } from './chain-runtime.js';
import { Http1Exchange, type ResponseObserver } from './exchange.js';
import type { RequestHandler } from './http-handler.js';

/** A plaintext HTTP/1.1 chain (the port 80 listener, where httpsRedirect lives). */
export class PlainHttpChain implements ChainRuntime {
  readonly #server: http.Server;
  readonly #connections = new ConnectionSet();

  constructor(
    readonly plan: ChainPlan,
    handler: RequestHandler,
    observe: ResponseObserver,
  ) {
    this.#server = http.createServer((req, res) => handler(new Http1Exchange(req, res, observe)));
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
