import dgram from 'node:dgram';
import net from 'node:net';

/** One syslog message as received: the RFC 5424 header fields and the JSON body. */
export interface ReceivedSyslog {
  pri: number;
  appName: string;
  msgId: string;
  body: Record<string, unknown>;
  raw: string;
}

export interface SyslogReceiver {
  port: number;
  messages: ReceivedSyslog[];
  /** Stops listening and drops every connection (a receiver restart is a `stop` and a new receiver). */
  stop(): Promise<void>;
}

const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) \ufeff?([\s\S]*)$/;

function parse(raw: string): ReceivedSyslog {
  const m = RFC5424.exec(raw);
  if (!m) throw new Error(`not an RFC 5424 message: ${raw.slice(0, 120)}`);
  return { pri: Number(m[1]), appName: m[4]!, msgId: m[6]!, body: JSON.parse(m[8]!), raw };
}

/**
 * A syslog server on 127.0.0.1 for tests: RFC 5424 over TCP with octet counting (RFC 6587) or over
 * UDP, one message per datagram. `port` 0 picks a free one; a given port lets a test restart it.
 */
export async function startSyslogReceiver(transport: 'tcp' | 'udp', port = 0): Promise<SyslogReceiver> {
  const messages: ReceivedSyslog[] = [];
  if (transport === 'udp') {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (b) => messages.push(parse(b.toString('utf8'))));
    await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
    return {
      port: socket.address().port,
      messages,
      stop: () => new Promise((resolve) => socket.close(() => resolve())),
    };
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) return;
        const length = Number(buffer.subarray(0, space).toString('ascii'));
        if (buffer.length < space + 1 + length) return;
        messages.push(parse(buffer.subarray(space + 1, space + 1 + length).toString('utf8')));
        buffer = buffer.subarray(space + 1 + length);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    messages,
    async stop() {
      for (const s of sockets) s.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
