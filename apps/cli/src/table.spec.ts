import { age, formatTable, paint } from './table.js';
import { applyWarnings } from './run.js';
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

describe('-o wide and apply warnings', () => {
  const secret = {
    metadata: {
      name: 'web',
      namespace: 'team-a',
      annotations: {
        'keyway.io/keys': 'tls.crt,tls.key',
        'keyway.io/serial': '0a1b',
        'keyway.io/not-after': '2027-01-01T00:00:00.000Z',
        'keyway.io/issuer': 'CN=Team A CA',
        'keyway.io/sources': 'api,directory',
        'keyway.io/hosts': 'web.example.com,*.web.example.com',
      },
    },
    type: 'kubernetes.io/tls',
  };

  it('adds serial, not-after, issuer, sources and hosts to secrets', () => {
    const view = tableView('secrets', [secret], now, false, true);
    expect(view.headers).toEqual([
      'NAME',
      'TYPE',
      'DATA',
      'AGE',
      'SERIAL',
      'NOT-AFTER',
      'ISSUER',
      'SOURCES',
      'HOSTS',
    ]);
    expect(view.rows[0].slice(4)).toEqual([
      '0a1b',
      '2027-01-01T00:00:00.000Z',
      'CN=Team A CA',
      'api,directory',
      'web.example.com,*.web.example.com',
    ]);
    // With -A the namespace still comes first.
    expect(tableView('secrets', [secret], now, true, true).headers.slice(0, 2)).toEqual([
      'NAMESPACE',
      'NAME',
    ]);
    // The plain table is unchanged.
    expect(tableView('secrets', [secret], now).headers).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
  });

  it("adds a gateway's servers, hosts and credentials", () => {
    const gw = {
      metadata: { name: 'gw' },
      spec: {
        servers: [
          {
            port: { number: 443, protocol: 'HTTPS' },
            hosts: ['a.example.com'],
            tls: { credentialName: 'a-cred' },
          },
          { port: { number: 80, protocol: 'HTTP' }, hosts: ['a.example.com'] },
        ],
      },
    };
    expect(tableView('gateways', [gw], now, false, true).rows[0].slice(2)).toEqual([
      'HTTPS/443,HTTP/80',
      'a.example.com',
      'a-cred',
    ]);
  });

  it('turns api warnings and compilation conditions into kubectl-style warnings', () => {
    expect(
      applyWarnings({
        warnings: ['Secret/team-a/web: tls.crt: expires in 5 days'],
        status: {
          resource: 'Gateway/team-a/gw',
          conditions: [
            {
              field: 'spec.servers[1].tls.credentialName',
              code: 'UnknownCredential',
              message: 'no credential x',
              severity: 'error',
            },
          ],
        },
      }),
    ).toEqual([
      'Secret/team-a/web: tls.crt: expires in 5 days',
      'Gateway/team-a/gw: spec.servers[1].tls.credentialName: not served: no credential x (UnknownCredential)',
    ]);
    expect(applyWarnings({ outcome: 'created' })).toEqual([]);
  });
});
