import { UsageError } from './argv.js';
import { parseCommand } from './command.js';

describe('parseCommand (kubectl verbs and flags)', () => {
  it('parses the walkthrough secret lines', () => {
    expect(
      parseCommand([
        'create',
        '-n',
        'istio-system',
        'secret',
        'generic',
        'httpbin-credential',
        '--from-file=key=a/k.pem',
        '--from-file=cert=a/c.pem',
        '--from-file=cacert=a/ca.pem',
      ]),
    ).toMatchObject({
      verb: 'create-secret-generic',
      namespace: 'istio-system',
      name: 'httpbin-credential',
      fromFiles: [
        { key: 'key', path: 'a/k.pem' },
        { key: 'cert', path: 'a/c.pem' },
        { key: 'cacert', path: 'a/ca.pem' },
      ],
    });
    expect(parseCommand(['create', 'secret', 'tls', 'x', '--cert=c.pem', '--key', 'k.pem'])).toMatchObject({
      verb: 'create-secret-tls',
      cert: 'c.pem',
      key: 'k.pem',
    });
  });

  it('takes global flags before the verb and jsonpath output', () => {
    const cmd = parseCommand([
      '-n',
      'istio-system',
      'get',
      'service',
      'istio-ingressgateway',
      '-o',
      'jsonpath={.spec.ports[?(@.name=="https")].port}',
    ]);
    expect(cmd).toMatchObject({
      verb: 'get',
      resource: 'services',
      names: ['istio-ingressgateway'],
      namespace: 'istio-system',
      output: { kind: 'jsonpath', template: '{.spec.ports[?(@.name=="https")].port}' },
    });
    expect(
      parseCommand([
        'get',
        'pod',
        '-l',
        'istio=ingressgateway',
        '-n',
        'istio-system',
        '-o',
        'jsonpath={.items[0].metadata.name}',
      ]),
    ).toMatchObject({
      resource: 'pods',
      selector: 'istio=ingressgateway',
    });
    expect(parseCommand(['get', 'svc', '-nistio-system'])).toMatchObject({
      resource: 'services',
      namespace: 'istio-system',
    });
  });

  it('parses apply, delete with --ignore-not-found=true, logs, and keyway verbs', () => {
    expect(parseCommand(['apply', '-f', '-'])).toMatchObject({ verb: 'apply', files: ['-'] });
    expect(parseCommand(['apply', '--dry-run=server', '-f', 'x.yaml'])).toMatchObject({
      verb: 'apply',
      files: ['x.yaml'],
      dryRun: 'server',
    });
    expect(parseCommand(['apply', '--dry-run=none', '-f', '-'])).not.toHaveProperty('dryRun');
    expect(() => parseCommand(['apply', '--dry-run=client', '-f', '-'])).toThrow('--dry-run: "client"');
    expect(parseCommand(['analyze', '-f', 'a.yaml', '-f', 'b.yaml'])).toMatchObject({
      verb: 'analyze',
      files: ['a.yaml', 'b.yaml'],
    });
    expect(() => parseCommand(['analyze'])).toThrow('analyze: -f FILE');
    expect(parseCommand(['pc', 'listeners', 'p1'])).toMatchObject({
      verb: 'proxy-config',
      type: 'listener',
      proxy: 'p1',
    });
    expect(parseCommand(['proxy-config', 'ep', 'p1'])).toMatchObject({
      verb: 'proxy-config',
      type: 'endpoint',
    });
    expect(parseCommand(['pc', 'secret', 'p1'])).toMatchObject({ verb: 'proxy-config-secret', proxy: 'p1' });
    expect(() => parseCommand(['pc', 'bootstrap', 'p1'])).toThrow(
      'use secret, listener, route, cluster or endpoint',
    );
    expect(() => parseCommand(['pc', 'route'])).toThrow('a PROXY');
    expect(
      parseCommand(['delete', '--ignore-not-found=true', '-n', 'istio-system', 'secret', 'a', 'b']),
    ).toMatchObject({
      verb: 'delete',
      resource: 'secrets',
      names: ['a', 'b'],
      ignoreNotFound: true,
    });
    expect(parseCommand(['delete', 'gateway', 'mygateway'])).toMatchObject({
      resource: 'gateways',
      ignoreNotFound: false,
    });
    expect(parseCommand(['delete', 'virtualservice/httpbin'])).toMatchObject({
      resource: 'virtualservices',
      names: ['httpbin'],
    });
    expect(parseCommand(['logs', '-n', 'istio-system', 'pod-1', '-c', 'ingress-sds'])).toMatchObject({
      verb: 'logs',
      target: 'pod-1',
      container: 'ingress-sds',
    });
    expect(parseCommand(['cert', 'issue', 'httpbin.example.com', '--out', 'certs'])).toMatchObject({
      verb: 'cert-issue',
      host: 'httpbin.example.com',
      out: 'certs',
      client: true,
    });
    expect(parseCommand(['history', 'httpbin-credential', '-n', 'istio-system'])).toMatchObject({
      verb: 'history',
      name: 'httpbin-credential',
    });
    expect(parseCommand(['audit', 'verify'])).toMatchObject({ verb: 'audit-verify' });
    expect(parseCommand(['proxy-status'])).toMatchObject({ verb: 'proxy-status' });
    expect(parseCommand(['get', 'gateway.networking.istio.io'])).toMatchObject({ resource: 'gateways' });
  });

  it('refuses what it cannot do with a usage error', () => {
    expect(() => parseCommand(['get'])).toThrow(UsageError);
    expect(() => parseCommand(['get', 'deployments'])).toThrow('unknown resource type');
    expect(() => parseCommand(['delete', 'service', 'x'])).toThrow('read-only');
    expect(() => parseCommand(['create', 'secret', 'generic', 'x'])).toThrow('--from-file');
    expect(() => parseCommand(['get', 'secrets', '--bogus'])).toThrow('unknown flag: --bogus');
    expect(() => parseCommand(['get', 'secrets', '-o', 'xml'])).toThrow('unknown output format');
    expect(() => parseCommand(['delete', '--ignore-not-found=maybe', 'secret', 'x'])).toThrow(
      'expected true or false',
    );
    expect(() => parseCommand(['apply'])).toThrow('-f FILE');
    expect(() => parseCommand(['frobnicate'])).toThrow('unknown command');
  });
});
