import type { Socket } from 'node:net';
import type { ChainPlan } from '../model/listener-plan.js';
import type { SecretLookup } from './secure-context.js';
import type { SessionTicketKeys } from './session-tickets.js';

/** What the listener learned from the ClientHello, for the chain it hands the connection to. */
export interface ConnectionHello {
  /** Name of the key that sealed the session ticket the client offers for resumption. */
  ticketKeyName?: Uint8Array;
}

/** A running filter chain: takes connections the listener picked for it. */
export interface ChainRuntime {
  readonly plan: ChainPlan;
  /** Hands over a connection; `head` holds the bytes the TLS inspector already read. */
  accept(socket: Socket, head: Buffer, hello?: ConnectionHello): void;
  /** Secrets changed: new handshakes use the new ones, open connections keep theirs. */
  refresh(lookup: SecretLookup): void;
  /** New session ticket keys (TLS chains only). */
  setTicketKeys?(keys: SessionTicketKeys): void;
  readonly openConnections: number;
  /** Closes every connection (gateway shutdown). */
  destroy(): void;
}

/** Tracks a chain's connections so shutdown can close them and retired chains can be forgotten. */
export class ConnectionSet {
  readonly #sockets = new Set<Socket>();

  add(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  get size(): number {
    return this.#sockets.size;
  }

  destroyAll(): void {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }
}
