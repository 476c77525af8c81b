import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Streams } from '#keyway/contracts';
import { eventLine, type ExportedEvent } from './exported-event.js';
import type { SinkTarget } from './sink-target.js';
import { octetCounted, syslogMessage } from './syslog-message.js';

/**
 * An audit device. `write` resolves once the events are handed over as durably as the medium
 * allows (a file: fsync'd; NATS: acknowledged by JetStream; stdout and syslog: accepted by the
 * kernel, which has no acknowledgement from the receiver), and rejects otherwise: the exporter then
 * keeps its cursor and writes them again.
 */
export interface AuditSink {
  readonly name: string;
  write(events: readonly ExportedEvent[]): Promise<void>;
  /** Can it be written now? (A required sink is checked while idle, so a dead one holds versions back.) */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** JSON lines appended to a file, fsync'd before the cursor moves. */
class FileSink implements AuditSink {
  readonly name: string;
  constructor(private readonly path: string) {
    this.name = `file:${path}`;
  }
  async write(events: readonly ExportedEvent[]): Promise<void> {
    const fh = await fs.promises.open(this.path, 'a', 0o640);
    try {
      await fh.write(events.map((e) => `${eventLine(e)}\n`).join(''));
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
  async check(): Promise<void> {
    await (await fs.promises.open(this.path, 'a', 0o640)).close();
  }
  async close(): Promise<void> {}
}

/** JSON lines on stdout (a container's log collector takes them from there). */
class StdoutSink implements AuditSink {
  readonly name = 'stdout';
  write(events: readonly ExportedEvent[]): Promise<void> {
    return new Promise((resolve, reject) =>
      process.stdout.write(events.map((e) => `${eventLine(e)}\n`).join(''), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
  async check(): Promise<void> {}
  async close(): Promise<void> {}
}

const header = (facility: Extract<SinkTarget, { kind: 'syslog' }>['facility']) => ({
  facility,
  hostname: os.hostname(),
  appName: 'keyway',
  procId: String(process.pid),
});

/** RFC 5424 over UDP (RFC 5426): one message per datagram. */
class SyslogUdpSink implements AuditSink {
  readonly name: string;
  #socket = dgram.createSocket('udp4');
  constructor(private readonly t: Extract<SinkTarget, { kind: 'syslog' }>) {
    this.name = `syslog+udp://${t.host}:${t.port}`;
    this.#socket.unref();
  }
  async write(events: readonly ExportedEvent[]): Promise<void> {
    for (const e of events)
      await new Promise<void>((resolve, reject) =>
        this.#socket.send(
          Buffer.from(syslogMessage(e, header(this.t.facility))),
          this.t.port,
          this.t.host,
          (err) => (err ? reject(err) : resolve()),
        ),
      );
  }
  /** UDP has no connection to check: a datagram nobody receives is not an error here. */
  async check(): Promise<void> {}
  async close(): Promise<void> {
    this.#socket.close();
  }
}

/** RFC 5424 over TCP with octet counting (RFC 6587); one connection, opened again after it breaks. */
class SyslogTcpSink implements AuditSink {
  readonly name: string;
  #socket?: net.Socket;
  constructor(private readonly t: Extract<SinkTarget, { kind: 'syslog' }>) {
    this.name = `syslog+tcp://${t.host}:${t.port}`;
  }

  #connect(): Promise<net.Socket> {
    const s = this.#socket;
    // A connection the receiver closed (or half-closed) is not written to: what it took would be lost.
    if (s && !s.destroyed && !s.readableEnded && s.writable) return Promise.resolve(s);
    s?.destroy();
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.t.host, port: this.t.port, timeout: 5000 });
      const fail = (err: Error) => {
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      socket.once('timeout', () => fail(new Error(`${this.name}: connect timed out`)));
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        // Errors after connecting surface on the next write; the receiver sends nothing we read.
        socket.on('error', () => socket.destroy());
        socket.on('end', () => socket.destroy());
        socket.resume();
        this.#socket = socket;
        resolve(socket);
      });
    });
  }

  async write(events: readonly ExportedEvent[]): Promise<void> {
    const socket = await this.#connect();
    const frames = Buffer.concat(events.map((e) => octetCounted(syslogMessage(e, header(this.t.facility)))));
    await new Promise<void>((resolve, reject) =>
      socket.write(frames, (err) => {
        if (err) {
          socket.destroy();
          reject(err);
        } else resolve();
      }),
    );
  }

  async check(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    const s = this.#socket;
    if (!s || s.destroyed) return;
    await new Promise<void>((resolve) => s.end(resolve));
  }
}

/**
 * JetStream: each event published with its id as `Nats-Msg-Id`, so the stream itself drops a
 * duplicate sent again after a restart (within its duplicate window), and acknowledged before the
 * cursor moves.
 */
class NatsSink implements AuditSink {
  readonly name: string;
  #provisioned = false;
  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly replicas: number,
  ) {
    this.name = `nats:${subject}`;
  }
  async check(): Promise<void> {
    await this.#provision();
    await (await jetstreamManager(this.nc)).streams.info(Streams.auditExport.name);
  }

  async #provision(): Promise<void> {
    if (!this.#provisioned) {
      const jsm = await jetstreamManager(this.nc);
      await jsm.streams.info(Streams.auditExport.name).catch(() =>
        jsm.streams.add({
          name: Streams.auditExport.name,
          subjects: [Streams.auditExport.subject],
          num_replicas: this.replicas,
          duplicate_window: 3_600_000_000_000, // 1 h in ns: a restart's re-sent events are dropped
          description: 'keyway audit events exported in commit order (AUDIT_SINK=nats:...)',
        }),
      );
      this.#provisioned = true;
    }
  }

  async write(events: readonly ExportedEvent[]): Promise<void> {
    await this.#provision();
    const js = jetstream(this.nc);
    for (const e of events) await js.publish(this.subject, eventLine(e), { msgID: e.id });
  }
  async close(): Promise<void> {}
}

/** The sink AUDIT_SINK names; `nats` is the service's own connection. */
export function openAuditSink(t: SinkTarget, nats: { nc: NatsConnection; replicas: number }): AuditSink {
  switch (t.kind) {
    case 'file':
      return new FileSink(t.path);
    case 'stdout':
      return new StdoutSink();
    case 'syslog':
      return t.transport === 'udp' ? new SyslogUdpSink(t) : new SyslogTcpSink(t);
    case 'nats':
      return new NatsSink(nats.nc, t.subject, nats.replicas);
  }
}
