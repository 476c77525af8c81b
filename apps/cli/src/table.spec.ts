import { age, formatTable, paint } from './table.js';
import { historyView, proxyStatusView, tableView } from './views.js';

const now = new Date('2026-01-01T12:00:00Z');

describe('tables', () => {
  it('aligns columns like kubectl', () => {
    expect(
      formatTable(
        ['NAME', 'TYPE'],
        [
          ['a-long-name', 'Opaque'],
          ['b', 'kubernetes.io/tls'],
        ],
      ),
    ).toBe('NAME          TYPE\na-long-name   Opaque\nb             kubernetes.io/tls\n');
  });

  it('prints ages as kubectl does', () => {
    expect(age('2026-01-01T11:59:30Z', now)).toBe('30s');
    expect(age('2026-01-01T11:00:00Z', now)).toBe('60m');
    expect(age('2026-01-01T06:00:00Z', now)).toBe('6h');
    expect(age('2025-12-20T12:00:00Z', now)).toBe('12d');
    expect(age(undefined, now)).toBe('<unknown>');
  });

  it('colours only when enabled', () => {
    expect(paint('OK', 'green', false)).toBe('OK');
    expect(paint('OK', 'green', true)).toBe('\u001b[32mOK\u001b[0m');
  });

  it('lays out secrets, virtual services, services and pods', () => {
    const secret = {
      metadata: { name: 's', namespace: 'n', annotations: { 'keyway.io/keys': 'cert,key' } },
      type: 'Opaque',
    };
    expect(tableView('secrets', [secret], now).rows).toEqual([['s', 'Opaque', '2', '<unknown>']]);
    expect(tableView('secrets', [secret], now, true).headers[0]).toBe('NAMESPACE');
    const vs = {
      metadata: { name: 'httpbin' },
      spec: { hosts: ['httpbin.example.com'], gateways: ['mygateway'] },
    };
    expect(tableView('virtualservices', [vs], now).rows[0]).toEqual([
      'httpbin',
      '["mygateway"]',
      '["httpbin.example.com"]',
      '<unknown>',
    ]);
    const svc = {
      metadata: { name: 'istio-ingressgateway' },
      spec: { type: 'LoadBalancer', clusterIP: '127.0.0.1', ports: [{ port: 8080 }, { port: 8443 }] },
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
    };
    expect(tableView('services', [svc], now).rows[0].slice(0, 5)).toEqual([
      'istio-ingressgateway',
      'LoadBalancer',
      '127.0.0.1',
      '127.0.0.1',
      '8080/TCP,8443/TCP',
    ]);
    const pod = {
      metadata: { name: 'p' },
      status: {
        phase: 'Running',
        containerStatuses: [
          { ready: true, restartCount: 0 },
          { ready: true, restartCount: 1 },
        ],
      },
    };
    expect(tableView('pods', [pod], now).rows[0].slice(0, 4)).toEqual(['p', '2/2', 'Running', '1']);
  });

  it('lays out history and proxy status', () => {
    expect(
      historyView([
        {
          revision: 2,
          action: 'updated',
          actor: 'admin',
          source: 'api',
          leafSerial: 'ab',
          notAfter: null,
          recordedAt: 't',
          reason: null,
        },
      ]).rows[0],
    ).toEqual(['2', 'updated', 'admin', 'api', 'ab', '-', 't', '']);
    const view = proxyStatusView([
      {
        nodeId: 'router~1',
        namespace: 'istio-system',
        groupId: 'g-1',
        replica: 'r1',
        types: {
          'type.googleapis.com/envoy.config.listener.v3.Listener': { status: 'SYNCED' },
          'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret': { status: 'NACKED' },
        },
      },
    ]);
    expect(view.headers).toEqual(['NAME', 'NAMESPACE', 'GROUP', 'REPLICA', 'LDS', 'SDS']);
    expect(view.rows[0].slice(4)).toEqual(['SYNCED', 'NACKED']);
  });
});
