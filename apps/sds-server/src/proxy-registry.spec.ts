import type { ProxyRecord } from '#keyway/contracts';
import { ProxyRegistry, proxyStatus, type ProxySink } from './proxy-registry.js';

const session = { nodeId: 'n1', namespace: 'ns', labels: { app: 'gw' }, groupId: 'g-0123456789abcdef' };
const SDS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

class MemorySink implements ProxySink {
  readonly records = new Map<string, ProxyRecord>();
  failNext = 0;
  async put(nodeId: string, record: ProxyRecord) {
    if (this.failNext-- > 0) throw new Error('nats unavailable');
    this.records.set(nodeId, record);
  }
  async delete(nodeId: string) {
    this.records.delete(nodeId);
  }
}

describe('ProxyRegistry', () => {
  it('is one record per proxy, kept until its last stream closes', async () => {
    const sink = new MemorySink();
    const registry = new ProxyRegistry('r1', sink, 60_000);
    const key = registry.connected(session);
    expect(registry.connected(session)).toBe(key);
    // Keyed by the authenticated namespace and the node id, never the node id alone.
    expect(key).toBe('ns/n1');
    registry.sent(key, SDS, 'v1');
    registry.acked(key, SDS, 'v1');
    await registry.flush();
    expect(sink.records.get(key)).toMatchObject({
      streams: 2,
      replica: 'r1',
      acked: { [SDS]: 'v1' },
      sent: { [SDS]: 'v1' },
    });
    registry.disconnected(key);
    await registry.flush();
    expect(sink.records.get(key)?.streams).toBe(1);
    // The same node id from another namespace is another record.
    const other = registry.connected({ ...session, namespace: 'team-a' });
    expect(other).not.toBe(key);
    registry.disconnected(other);
    registry.disconnected(key);
    await registry.flush();
    expect(sink.records.has(key)).toBe(false);
    await registry.close();
  });

  it('retries a failed write on a later flush', async () => {
    const sink = new MemorySink();
    const registry = new ProxyRegistry('r1', sink, 60_000);
    sink.failNext = 1;
    registry.connected(session);
    await registry.flush();
    expect(sink.records.size).toBe(0);
    await registry.flush();
    expect(sink.records.size).toBe(1);
    await registry.close();
    expect(sink.records.size).toBe(0);
  });
});

describe('ProxyRegistry: secrets held, for proxy-config', () => {
  it('records each secret sent and, once the response is ACKed, the version the proxy holds', () => {
    const registry = new ProxyRegistry('r1');
    const key = registry.connected(session);
    registry.sent(key, SDS, 'r1', { 'kubernetes://a': 'aaaa', 'kubernetes://b': 'bbbb' });
    expect(registry.get(key)!.secrets).toEqual({
      'kubernetes://a': { sent: 'aaaa' },
      'kubernetes://b': { sent: 'bbbb' },
    });
    registry.acked(key, SDS, 'r1');
    // A rotation of a, sent but not ACKed: the proxy still holds aaaa (proxy-config says STALE).
    registry.sent(key, SDS, 'r2', { 'kubernetes://a': 'a2a2' });
    expect(registry.get(key)!.secrets).toEqual({
      'kubernetes://a': { sent: 'a2a2', acked: 'aaaa' },
      'kubernetes://b': { sent: 'bbbb', acked: 'bbbb' },
    });
    registry.acked(key, SDS, 'r2');
    expect(registry.get(key)!.secrets!['kubernetes://a']).toEqual({ sent: 'a2a2', acked: 'a2a2' });
    expect(proxyStatus(registry.records())[0].secrets).toEqual(registry.get(key)!.secrets);
  });
});

describe('proxyStatus', () => {
  const base: ProxyRecord = {
    schemaVersion: 1,
    nodeId: 'n1',
    namespace: 'ns',
    labels: {},
    groupId: 'g-0123456789abcdef',
    replica: 'r1',
    connectedSince: '2026-01-01T00:00:00.000Z',
    streams: 1,
    acked: {},
    sent: {},
  };
  it.each([
    { label: 'SYNCED', record: { sent: { [SDS]: 'v2' }, acked: { [SDS]: 'v2' } }, status: 'SYNCED' },
    { label: 'STALE', record: { sent: { [SDS]: 'v2' }, acked: { [SDS]: 'v1' } }, status: 'STALE' },
    { label: 'NOT SENT', record: { sent: {}, acked: { [SDS]: 'v1' } }, status: 'NOT SENT' },
    {
      label: 'NACKED',
      record: {
        sent: { [SDS]: 'v2' },
        acked: { [SDS]: 'v1' },
        lastNack: { typeUrl: SDS, version: 'v2', nonce: '3', message: 'bad', at: '2026-01-01T00:00:01.000Z' },
      },
      status: 'NACKED',
    },
  ] as { label: string; record: Partial<ProxyRecord>; status: string }[])('$label', ({ record, status }) => {
    const [entry] = proxyStatus([{ ...base, ...record }]);
    expect(entry.types[SDS].status).toBe(status);
  });

  it('filters by namespace', () => {
    expect(
      proxyStatus([base, { ...base, nodeId: 'n2', namespace: 'other' }], 'other').map((e) => e.nodeId),
    ).toEqual(['n2']);
  });
});
