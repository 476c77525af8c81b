/**
 * A TLS ClientHello reader for choosing a filter chain before the handshake, as Envoy's TLS
 * inspector does: it waits for the whole ClientHello (which may span several records), then reads
 * the server_name and ALPN extensions, and the key name of a session ticket the client offers. It
 * never consumes bytes; the caller replays them to TLS.
 */
export type ClientHelloResult =
  | { kind: 'incomplete' }
  | { kind: 'not-tls' }
  | { kind: 'invalid'; reason: string }
  | {
      kind: 'client-hello';
      serverName?: string;
      alpn: string[];
      /**
       * The first 16 bytes of the session ticket offered for resumption (TLS 1.3 pre_shared_key
       * identity, else the TLS 1.2 session_ticket): the name of the key that sealed it, in the
       * ticket layout OpenSSL (and Node) write. Absent when the client offers no ticket.
       */
      ticketKeyName?: Uint8Array;
    };

/** Length of a session ticket key name (RFC 5077's recommended layout, OpenSSL's). */
export const TICKET_KEY_NAME_BYTES = 16;

/** Envoy's TLS inspector gives up past 64 KiB; so does this reader. */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const EXT_SESSION_TICKET = 0x0023;
const EXT_PRE_SHARED_KEY = 0x0029;
const MAX_RECORD = 16384 + 2048;

export function parseClientHello(data: Uint8Array): ClientHelloResult {
  if (data.length === 0) return { kind: 'incomplete' };
  if (data[0] !== RECORD_HANDSHAKE) return { kind: 'not-tls' };
  const fragments: Uint8Array[] = [];
  let collected = 0;
  let offset = 0;
  for (;;) {
    if (offset + 5 > data.length) return tooBigOr(data, { kind: 'incomplete' });
    if (data[offset] !== RECORD_HANDSHAKE)
      return { kind: 'invalid', reason: 'record before the ClientHello ends is not a handshake record' };
    if (data[offset + 1] !== 3)
      return offset === 0 ? { kind: 'not-tls' } : { kind: 'invalid', reason: 'unknown record version' };
    const length = (data[offset + 3] << 8) | data[offset + 4];
    if (length === 0 || length > MAX_RECORD) return { kind: 'invalid', reason: `record length ${length}` };
    if (offset + 5 + length > data.length) return tooBigOr(data, { kind: 'incomplete' });
    fragments.push(data.subarray(offset + 5, offset + 5 + length));
    collected += length;
    offset += 5 + length;
    if (collected < 4) continue;
    const handshake = concat(fragments, collected);
    if (handshake[0] !== HANDSHAKE_CLIENT_HELLO)
      return { kind: 'invalid', reason: 'first handshake message is not a ClientHello' };
    const bodyLength = (handshake[1] << 16) | (handshake[2] << 8) | handshake[3];
    if (4 + bodyLength > MAX_CLIENT_HELLO_BYTES) return { kind: 'invalid', reason: 'ClientHello too large' };
    if (collected < 4 + bodyLength) continue;
    return readBody(handshake.subarray(4, 4 + bodyLength));
  }
}

function tooBigOr(data: Uint8Array, result: ClientHelloResult): ClientHelloResult {
  return data.length > MAX_CLIENT_HELLO_BYTES + 5
    ? { kind: 'invalid', reason: 'ClientHello too large' }
    : result;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class TruncatedError extends Error {
  constructor() {
    super('truncated ClientHello');
    this.name = 'TruncatedError';
  }
}

class BadExtensionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadExtensionError';
  }
}

// The body is read by offsets into the one buffer: no views or readers allocated per field, as
// this runs for every connection.

function need(at: number, n: number, end: number): void {
  if (at + n > end) throw new TruncatedError();
}

function u8(b: Uint8Array, at: number, end: number): number {
  need(at, 1, end);
  return b[at];
}

function u16(b: Uint8Array, at: number, end: number): number {
  need(at, 2, end);
  return (b[at] << 8) | b[at + 1];
}

/** Skips a vector with a `width`-byte length prefix; returns the offset after it. */
function skipVector(b: Uint8Array, at: number, end: number, width: 1 | 2): number {
  const length = width === 1 ? u8(b, at, end) : u16(b, at, end);
  need(at + width, length, end);
  return at + width + length;
}

function readBody(b: Uint8Array): ClientHelloResult {
  const end = b.length;
  try {
    need(0, 2 + 32, end); // legacy_version, random
    let at = skipVector(b, 2 + 32, end, 1); // legacy_session_id
    at = skipVector(b, at, end, 2); // cipher_suites
    at = skipVector(b, at, end, 1); // legacy_compression_methods
    if (at === end) return { kind: 'client-hello', alpn: [] };
    const extensionsEnd = at + 2 + u16(b, at, end);
    need(at + 2, extensionsEnd - at - 2, end);
    at += 2;
    let serverName: string | undefined;
    let alpn: string[] = [];
    let psk: Uint8Array | undefined;
    let ticket: Uint8Array | undefined;
    while (at < extensionsEnd) {
      const type = u16(b, at, extensionsEnd);
      const length = u16(b, at + 2, extensionsEnd);
      at += 4;
      need(at, length, extensionsEnd);
      const extEnd = at + length;
      if (type === EXT_SERVER_NAME) serverName = readServerName(b, at, extEnd);
      else if (type === EXT_ALPN) alpn = readAlpn(b, at, extEnd);
      else if (type === EXT_PRE_SHARED_KEY) psk = readFirstPskIdentity(b, at, extEnd);
      else if (type === EXT_SESSION_TICKET) ticket = b.subarray(at, extEnd);
      at = extEnd;
    }
    const offered = psk ?? ticket;
    return offered && offered.length >= TICKET_KEY_NAME_BYTES
      ? { kind: 'client-hello', serverName, alpn, ticketKeyName: offered.slice(0, TICKET_KEY_NAME_BYTES) }
      : { kind: 'client-hello', serverName, alpn };
  } catch (e) {
    if (e instanceof TruncatedError || e instanceof BadExtensionError)
      return { kind: 'invalid', reason: e.message };
    throw e;
  }
}

function readServerName(b: Uint8Array, at: number, end: number): string | undefined {
  const listEnd = at + 2 + u16(b, at, end);
  need(at + 2, listEnd - at - 2, end);
  at += 2;
  while (at < listEnd) {
    const nameType = u8(b, at, listEnd);
    const length = u16(b, at + 1, listEnd);
    at += 3;
    need(at, length, listEnd);
    if (nameType !== 0) {
      at += length;
      continue;
    }
    let text = '';
    for (let i = at; i < at + length; i++) {
      // A DNS host name: printable ASCII without spaces.
      if (b[i] <= 0x20 || b[i] >= 0x7f) throw new BadExtensionError('server_name is not an ASCII host name');
      text += String.fromCharCode(b[i]);
    }
    return text.toLowerCase();
  }
  return undefined;
}

/** RFC 8446 4.2.11: OfferedPsks.identities[0].identity (a resumption ticket). */
function readFirstPskIdentity(b: Uint8Array, at: number, end: number): Uint8Array | undefined {
  const identitiesEnd = at + 2 + u16(b, at, end);
  need(at + 2, identitiesEnd - at - 2, end);
  at += 2;
  if (at === identitiesEnd) return undefined;
  const length = u16(b, at, identitiesEnd);
  need(at + 2, length, identitiesEnd);
  return b.subarray(at + 2, at + 2 + length);
}

function readAlpn(b: Uint8Array, at: number, end: number): string[] {
  const listEnd = at + 2 + u16(b, at, end);
  need(at + 2, listEnd - at - 2, end);
  at += 2;
  const out: string[] = [];
  while (at < listEnd) {
    const length = u8(b, at, listEnd);
    need(at + 1, length, listEnd);
    let name = '';
    for (let i = at + 1; i <= at + length; i++) name += String.fromCharCode(b[i]);
    out.push(name);
    at += 1 + length;
  }
  return out;
}
