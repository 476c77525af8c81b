import dgram from 'node:dgram';

/**
 * A DNS server for tests (UDP, 127.0.0.1): answers A and TXT questions from maps the test fills,
 * NXDOMAIN for other names, as Pebble's challtestsrv does for dns-01. One question per query.
 */
export interface DnsTestServer {
  port: number;
  /** TXT records by name (lowercase, no trailing dot). */
  txt: Map<string, string[]>;
  /** A records by name. */
  a: Map<string, string>;
  /** Names asked, in order. */
  asked: string[];
  stop(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_TXT = 16;

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  for (;;) {
    const len = msg[i];
    if (len === undefined) throw new Error('truncated name');
    if (len === 0) return { name: labels.join('.').toLowerCase(), end: i + 1 };
    if (len >= 0xc0) throw new Error('compressed question names are not handled');
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += 1 + len;
  }
}

function answer(query: Buffer, server: DnsTestServer): Buffer {
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  server.asked.push(name);
  const question = query.subarray(12, end + 4);
  const records: Buffer[] = [];
  if (qtype === TYPE_TXT)
    for (const value of server.txt.get(name) ?? []) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < value.length || i === 0; i += 255) {
        const part = Buffer.from(value.slice(i, i + 255), 'ascii');
        chunks.push(Buffer.from([part.length]), part);
      }
      records.push(Buffer.concat(chunks));
    }
  if (qtype === TYPE_A && server.a.has(name))
    records.push(Buffer.from(server.a.get(name)!.split('.').map(Number)));
  const known = server.txt.has(name) || server.a.has(name);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  // QR, opcode 0, AA, RD copied; RA; rcode 3 (NXDOMAIN) for an unknown name.
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((rdata) => {
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(qtype, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(0, 6);
    rr.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([rr, rdata]);
  });
  return Buffer.concat([header, question, ...answers]);
}

export async function startDnsTestServer(port = 0): Promise<DnsTestServer> {
  const socket = dgram.createSocket('udp4');
  const server: DnsTestServer = {
    port: 0,
    txt: new Map(),
    a: new Map(),
    asked: [],
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (msg, from) => {
    try {
      socket.send(answer(msg, server), from.port, from.address);
    } catch {
      // A query this double does not understand goes unanswered: the client times out.
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  server.port = socket.address().port;
  return server;
}
