/**
 * A TLS ClientHello reader for choosing a filter chain before the handshake, as Envoy's TLS
 * inspector does: it waits for the whole ClientHello (which may span several records), then reads
 * the server_name and ALPN extensions. It never consumes bytes; the caller replays them to TLS.
 */
export type ClientHelloResult =
  | { kind: 'incomplete' }
  | { kind: 'not-tls' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'client-hello'; serverName?: string; alpn: string[] };

/** Envoy's TLS inspector gives up past 64 KiB; so does this reader. */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
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

class Cursor {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get remaining(): number {
    return this.bytes.length - this.at;
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.at++];
  }
  u16(): number {
    this.need(2);
    const v = (this.bytes[this.at] << 8) | this.bytes[this.at + 1];
    this.at += 2;
    return v;
  }
  take(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  private need(n: number): void {
    if (this.at + n > this.bytes.length) throw new TruncatedError();
  }
}

class TruncatedError extends Error {
  constructor() {
    super('truncated ClientHello');
    this.name = 'TruncatedError';
  }
}

function readBody(body: Uint8Array): ClientHelloResult {
  const c = new Cursor(body);
  try {
    c.take(2 + 32); // legacy_version, random
    c.take(c.u8()); // legacy_session_id
    c.take(c.u16()); // cipher_suites
    c.take(c.u8()); // legacy_compression_methods
    if (c.remaining === 0) return { kind: 'client-hello', alpn: [] };
    const extensions = new Cursor(c.take(c.u16()));
    let serverName: string | undefined;
    let alpn: string[] = [];
    while (extensions.remaining > 0) {
      const type = extensions.u16();
      const ext = new Cursor(extensions.take(extensions.u16()));
      if (type === EXT_SERVER_NAME) serverName = readServerName(ext);
      else if (type === EXT_ALPN) alpn = readAlpn(ext);
    }
    return { kind: 'client-hello', serverName, alpn };
  } catch (e) {
    if (e instanceof TruncatedError || e instanceof BadExtensionError)
      return { kind: 'invalid', reason: e.message };
    throw e;
  }
}

class BadExtensionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadExtensionError';
  }
}

function readServerName(ext: Cursor): string | undefined {
  const list = new Cursor(ext.take(ext.u16()));
  while (list.remaining > 0) {
    const nameType = list.u8();
    const name = list.take(list.u16());
    if (nameType !== 0) continue;
    let text = '';
    for (const b of name) {
      // A DNS host name: printable ASCII without spaces.
      if (b <= 0x20 || b >= 0x7f) throw new BadExtensionError('server_name is not an ASCII host name');
      text += String.fromCharCode(b);
    }
    return text.toLowerCase();
  }
  return undefined;
}

function readAlpn(ext: Cursor): string[] {
  const list = new Cursor(ext.take(ext.u16()));
  const out: string[] = [];
  while (list.remaining > 0) {
    const proto = list.take(list.u8());
    out.push(String.fromCharCode(...proto));
  }
  return out;
}
