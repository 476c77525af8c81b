import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { parseClientHello } from './client-hello.js';

/** A ClientHello record built by hand: the fields the reader skips, then the extensions. */
function handBuiltHello(extensions: Buffer): Buffer {
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    Buffer.from([0, 2, 0x13, 0x01]),
    Buffer.from([1, 0]),
    u16(extensions.length),
    extensions,
  ]);
  const handshake = Buffer.concat([
    Buffer.from([1, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff]),
    body,
  ]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), u16(handshake.length), handshake]);
}

function u16(n: number): Buffer {
  return Buffer.from([(n >> 8) & 0xff, n & 0xff]);
}

function sniExtension(name: string): Buffer {
  const host = Buffer.from(name, 'latin1');
  const entry = Buffer.concat([Buffer.from([0]), u16(host.length), host]);
  const list = Buffer.concat([u16(entry.length), entry]);
  return Buffer.concat([u16(0), u16(list.length), list]);
}

function alpnExtension(protocols: string[]): Buffer {
  const entries = Buffer.concat(
    protocols.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
  );
  const list = Buffer.concat([u16(entries.length), entries]);
  return Buffer.concat([u16(16), u16(list.length), list]);
}

function sessionTicketExtension(ticket: Buffer): Buffer {
  return Buffer.concat([u16(0x23), u16(ticket.length), ticket]);
}

/** pre_shared_key (RFC 8446 4.2.11): identities (identity, obfuscated age), then binders. */
function preSharedKeyExtension(identities: Buffer[]): Buffer {
  const ids = Buffer.concat(identities.map((id) => Buffer.concat([u16(id.length), id, Buffer.alloc(4, 1)])));
  const binder = Buffer.concat([Buffer.from([32]), Buffer.alloc(32, 9)]);
  const body = Buffer.concat([u16(ids.length), ids, u16(binder.length), binder]);
  return Buffer.concat([u16(0x29), u16(body.length), body]);
}

/** The first flight Node's own TLS client writes, captured in memory (no socket). */
async function nodeClientHello(options: tls.ConnectionOptions): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const wire = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
        resolve(Buffer.concat(chunks));
        setImmediate(() => socket.destroy());
      },
    });
    const socket = tls.connect({ ...options, socket: wire });
    socket.on('error', () => undefined);
  });
}

describe('parseClientHello', () => {
  it('reads SNI and ALPN from the ClientHello Node sends', async () => {
    const hello = await nodeClientHello({
      servername: 'HttpBin.Example.com',
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    expect(parseClientHello(hello)).toEqual({
      kind: 'client-hello',
      serverName: 'httpbin.example.com',
      alpn: ['h2', 'http/1.1'],
    });
  });

  it('reports a ClientHello without SNI', async () => {
    const hello = await nodeClientHello({ host: '127.0.0.1' });
    expect(parseClientHello(hello)).toEqual({ kind: 'client-hello', serverName: undefined, alpn: [] });
  });

  it('asks for more bytes until the whole ClientHello arrived', async () => {
    const hello = await nodeClientHello({ servername: 'a.test' });
    for (const cut of [1, 4, 5, 20, hello.length - 1]) {
      expect(parseClientHello(hello.subarray(0, cut))).toEqual({ kind: 'incomplete' });
    }
  });

  it('reassembles a ClientHello split over two records', () => {
    const record = handBuiltHello(Buffer.concat([sniExtension('split.test'), alpnExtension(['http/1.1'])]));
    const handshake = record.subarray(5);
    const first = handshake.subarray(0, 10);
    const second = handshake.subarray(10);
    const twoRecords = Buffer.concat([
      Buffer.from([0x16, 3, 1]),
      u16(first.length),
      first,
      Buffer.from([0x16, 3, 1]),
      u16(second.length),
      second,
    ]);
    expect(parseClientHello(twoRecords)).toEqual({
      kind: 'client-hello',
      serverName: 'split.test',
      alpn: ['http/1.1'],
    });
    expect(parseClientHello(twoRecords.subarray(0, 5 + first.length + 3))).toEqual({ kind: 'incomplete' });
  });

  it('names the key of the session ticket a returning client offers', () => {
    const tls13 = Buffer.concat([Buffer.alloc(16, 0xa1), Buffer.alloc(80, 0xee)]);
    const tls12 = Buffer.concat([Buffer.alloc(16, 0xb2), Buffer.alloc(80, 0xdd)]);
    const other = Buffer.concat([Buffer.alloc(16, 0xc3), Buffer.alloc(40, 0xcc)]);
    const keyName = (extensions: Buffer[]) => {
      const r = parseClientHello(handBuiltHello(Buffer.concat([sniExtension('t.test'), ...extensions])));
      return r.kind === 'client-hello' ? r.ticketKeyName && Buffer.from(r.ticketKeyName) : r;
    };
    // TLS 1.3: the first PSK identity; it wins over a TLS 1.2 ticket sent beside it.
    expect(keyName([preSharedKeyExtension([tls13, other])])).toEqual(Buffer.alloc(16, 0xa1));
    expect(keyName([sessionTicketExtension(tls12), preSharedKeyExtension([tls13])])).toEqual(
      Buffer.alloc(16, 0xa1),
    );
    expect(keyName([sessionTicketExtension(tls12)])).toEqual(Buffer.alloc(16, 0xb2));
    // An empty session_ticket only says "I support tickets"; a short one names no key.
    expect(keyName([sessionTicketExtension(Buffer.alloc(0))])).toBeUndefined();
    expect(keyName([sessionTicketExtension(Buffer.alloc(15, 1))])).toBeUndefined();
    expect(keyName([])).toBeUndefined();
  });

  it('rejects a pre_shared_key extension that is cut short', () => {
    const cut = Buffer.concat([u16(0x29), u16(4), u16(40), u16(0)]);
    expect(parseClientHello(handBuiltHello(cut))).toMatchObject({
      kind: 'invalid',
      reason: 'truncated ClientHello',
    });
  });

  it('tells plain HTTP apart from TLS', () => {
    expect(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual({ kind: 'not-tls' });
  });

  it('rejects malformed hellos with a reason', () => {
    const truncatedExtensions = handBuiltHello(Buffer.from([0, 0, 0, 9, 0]));
    expect(parseClientHello(truncatedExtensions)).toMatchObject({
      kind: 'invalid',
      reason: 'truncated ClientHello',
    });
    expect(parseClientHello(handBuiltHello(sniExtension('bad name')))).toMatchObject({ kind: 'invalid' });
    const notHello = Buffer.from([0x16, 3, 1, 0, 4, 2, 0, 0, 0]);
    expect(parseClientHello(notHello)).toMatchObject({
      kind: 'invalid',
      reason: 'first handshake message is not a ClientHello',
    });
  });
});
