import { randomBytes } from 'node:crypto';
import { TICKET_KEY_NAME_BYTES } from '#keyway/routing';

/** Node's ticket key (tls.Server setTicketKeys): a 16-byte name, a 16-byte HMAC secret, a 16-byte AES key. */
export const TICKET_KEY_BYTES = 48;

/**
 * The keys that seal TLS session tickets, shared by every chain (and every worker): `current` seals
 * new tickets, `previous` still opens the tickets it sealed, so a client returning shortly after a
 * rotation resumes instead of paying for a full handshake (Envoy's session_ticket_keys, first key
 * encrypts, the others decrypt). A ticket lives no longer than one rotation period, so it never
 * outlives the key that opens it. Key material: never logged, never written anywhere.
 */
export interface SessionTicketKeys {
  current: Buffer;
  previous?: Buffer;
  /** Ticket lifetime (TLS session timeout), the rotation period. */
  lifetimeSeconds: number;
}

export function newTicketKeys(lifetimeSeconds: number): SessionTicketKeys {
  return { current: randomBytes(TICKET_KEY_BYTES), lifetimeSeconds };
}

/** The next generation: a fresh current key; the one it replaces still opens its tickets. */
export function rotateTicketKeys(keys: SessionTicketKeys): SessionTicketKeys {
  return {
    current: randomBytes(TICKET_KEY_BYTES),
    previous: keys.current,
    lifetimeSeconds: keys.lifetimeSeconds,
  };
}

/** Whether a ticket offered in a ClientHello was sealed with `key` (its first 16 bytes name the key). */
export function sealedWith(key: Buffer | undefined, ticketKeyName: Uint8Array | undefined): boolean {
  if (!key || !ticketKeyName || ticketKeyName.length !== TICKET_KEY_NAME_BYTES) return false;
  for (let i = 0; i < TICKET_KEY_NAME_BYTES; i++) if (key[i] !== ticketKeyName[i]) return false;
  return true;
}

/** Rotates the keys every period and hands each generation to `apply` (the data plane, or the workers). */
export class TicketKeyRotation {
  #keys: SessionTicketKeys;
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    periodSeconds: number,
    private readonly apply: (keys: SessionTicketKeys) => void,
  ) {
    this.#keys = newTicketKeys(periodSeconds);
  }

  get keys(): SessionTicketKeys {
    return this.#keys;
  }

  start(): void {
    this.apply(this.#keys);
    this.#timer = setInterval(() => this.rotate(), this.#keys.lifetimeSeconds * 1000);
    this.#timer.unref();
  }

  rotate(): void {
    this.#keys = rotateTicketKeys(this.#keys);
    this.apply(this.#keys);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
