/**
 * What a platform team asks every day, answered by the CLI against a running suite: apply prints the
 * api's warnings as kubectl does, and `-o wide` shows what the plain table hides.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TypeUrl } from '#keyway/envoy-api';
import { runProgram, waitFor } from '#keyway/testing';
import { AdsClient, buildNode, istioRouterNodeId } from '#keyway/xds-client';
import { selfSignedPair, serialOf, startWalkthroughSuite, type WalkthroughSuite } from './support.js';

let s: WalkthroughSuite;

beforeAll(async () => {
  s = await startWalkthroughSuite();
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

/** A self-signed certificate for HOST valid DAYS days, made by openssl in the suite's work folder. */
const selfSigned = (host: string, days: number) => selfSignedPair(s.workDir, host, days);

function secretYaml(namespace: string, name: string, pair: { cert: string; key: string }): string {
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${namespace}
type: kubernetes.io/tls
data:
  tls.crt: ${b64(pair.cert)}
  tls.key: ${b64(pair.key)}
`;
}

describe('keyway apply prints what the api says', () => {
  it('a credential expiring within the warning window: applied, with a Warning on stderr', async () => {
    const applied = await s.keyway(
      ['apply', '-f', '-'],
      secretYaml('team-a', 'soon', selfSigned('soon.example.com', 5)),
    );
    expect(applied.code).toBe(0);
    expect(applied.stdout).toBe('secret/soon created\n');
    expect(applied.stderr).toMatch(/^Warning: Secret\/team-a\/soon: .*expires/m);
  });

  it('a credential far from expiry: no warning', async () => {
    const applied = await s.keyway(
      ['apply', '-f', '-'],
      secretYaml('team-a', 'later', selfSigned('later.example.com', 300)),
    );
    expect(applied).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('keyway get -o wide', () => {
  it('adds serial, not-after, issuer, sources and hosts to the secrets table', async () => {
    const plain = await s.keyway(['get', 'secrets', '-n', 'team-a']);
    const wide = await s.keyway(['get', 'secrets', '-n', 'team-a', '-o', 'wide']);
    expect(plain.stdout.split('\n')[0].split(/\s+/)).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
    const [header, ...rows] = wide.stdout.trim().split('\n');
    expect(header.split(/\s+/)).toEqual([
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
    const later = rows.find((r) => r.startsWith('later '))!;
    expect(later).toMatch(/\b[0-9a-f]{8,}\b/);
    expect(later).toContain('CN=later.example.com');
    expect(later).toMatch(/\bapi\b/);
    expect(later).toContain('later.example.com');
  });
});

describe('keyway describe', () => {
  const gateway = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: web-gateway
  namespace: team-a
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 443, name: https-later, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: later}
    hosts: [later.example.com]
  - port: {number: 443, name: https-typo, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: latre}
    hosts: [typo.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: later
  namespace: team-a
spec:
  hosts: [later.example.com]
  gateways: [web-gateway]
  http:
  - match: [{uri: {prefix: /status}}]
    route: [{destination: {host: httpbin.default.svc.cluster.local, port: {number: 8000}}}]
`;

  beforeAll(async () => {
    expect((await s.keyway(['apply', '-f', '-'], gateway)).code).toBe(0);
  });

  it('a secret: its certificate, the Gateway servers that use it, its revisions', async () => {
    const out = await s.keyway(['describe', 'secret', 'later', '-n', 'team-a']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(/^Name:\s+later$/m);
    expect(out.stdout).toMatch(/^Source:\s+api$/m);
    expect(out.stdout).toMatch(/^ {2}Hosts:\s+later\.example\.com$/m);
    expect(out.stdout).toMatch(/^ {2}Not After:\s+\S+ \(expires in 29\dd\)$/m);
    expect(out.stdout).toMatch(
      /^Used By:\n\s+GATEWAY.*\n\s+team-a\/web-gateway\s+https-later \(HTTPS\/443\)\s+later\.example\.com\s+SIMPLE/m,
    );
    expect(out.stdout).toMatch(/^Revisions \(last 5\):\n\s+REVISION.*\n\s+1\s+created\s+/m);
  });

  it('a gateway: servers with their compiled listener and route names, bound VirtualServices, a missing credential', async () => {
    const out = await s.keyway(['describe', 'gateway', 'web-gateway', '-n', 'team-a']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /443\s+https-later\s+HTTPS\s+later\.example\.com\s+SIMPLE\s+later\s+0\.0\.0\.0_443\s+https\.443\.https-later\.web-gateway\.team-a/,
    );
    expect(out.stdout).toMatch(/https-typo\s+HTTPS\s+typo\.example\.com\s+SIMPLE\s+latre \(not found\)/);
    expect(out.stdout).toMatch(
      /^Virtual Services:\n\s+NAMESPACE\/NAME\s+HOSTS\n\s+team-a\/later\s+later\.example\.com$/m,
    );
  });

  it('a virtual service: the gateways it binds and its routes', async () => {
    const out = await s.keyway(['describe', 'vs', 'later', '-n', 'team-a']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Bound To:\s+team-a\/web-gateway$/m);
    expect(out.stdout).toMatch(/0\s+uri prefix \/status\s+httpbin\.default\.svc\.cluster\.local:8000/);
  });

  it('keyway status: a row per Gateway and VirtualService, the dropped server with its code', async () => {
    const out = await waitFor(
      async () => {
        const r = await s.keyway(['status', '-n', 'team-a']);
        return /Gateway\/team-a\/web-gateway/.test(r.stdout) ? r : undefined;
      },
      { what: 'status rows for team-a', timeoutMs: 10_000 },
    );
    expect(out.stdout).toMatch(/Gateway\/team-a\/web-gateway\s+false\s+.*\(unknown-credential\)/);
    expect(out.stdout).toMatch(/VirtualService\/team-a\/later\s+true/);
    const described = await s.keyway(['describe', 'gateway', 'web-gateway', '-n', 'team-a']);
    expect(described.stdout).toMatch(/^Accepted:\s+False$/m);
    expect(described.stdout).toMatch(
      /error\s+unknown-credential\s+spec\.servers\[1\]\.tls\.credentialName\s+no credential "latre"/,
    );
  }, 30_000);

  it('something that does not exist: NotFound and exit 1', async () => {
    const out = await s.keyway(['describe', 'secret', 'nope', '-n', 'team-a']);
    expect(out).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): secrets "nope" not found\n',
    });
  });
});

describe('keyway proxy-config secret', () => {
  const gw = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: pc-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-pc, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: pc-credential}
    hosts: [pc.example.com]
`;
  const proxyId = async () =>
    (
      (await (
        await fetch(`${s.suite.apiUrl}/v1/proxies?namespace=istio-system`, {
          headers: { authorization: `Bearer ${s.suite.adminToken}` },
        })
      ).json()) as { items: Array<{ nodeId: string }> }
    ).items[0].nodeId;
  const pcRow = async () => {
    const out = await s.keyway(['pc', 'secret', await proxyId(), '-n', 'istio-system']);
    return out.stdout.split('\n').find((l) => l.startsWith('kubernetes://pc-credential')) ?? '';
  };

  it('shows the serial the gateway holds, and the new one after a rotation', async () => {
    const first = selfSigned('pc.example.com', 30);
    expect(
      (await s.keyway(['apply', '-f', '-'], secretYaml('istio-system', 'pc-credential', first))).code,
    ).toBe(0);
    expect((await s.keyway(['apply', '-f', '-'], gw)).code).toBe(0);
    const before = await waitFor(async () => ((await pcRow()).includes(' SYNCED ') ? pcRow() : undefined), {
      what: 'the gateway to hold pc-credential',
      timeoutMs: 20_000,
    });
    expect(before).toContain(serialOf(first.cert).replace(/^0+/, ''));
    const second = selfSigned('pc.example.com', 60);
    expect(
      (await s.keyway(['apply', '-f', '-'], secretYaml('istio-system', 'pc-credential', second))).code,
    ).toBe(0);
    const after = await waitFor(
      async () => {
        const row = await pcRow();
        return row.includes(' SYNCED ') && row.includes(serialOf(second.cert).replace(/^0+/, ''))
          ? row
          : undefined;
      },
      { what: 'the gateway to hold the rotated pc-credential', timeoutMs: 20_000 },
    );
    expect(after).toMatch(
      /^kubernetes:\/\/pc-credential\s+SYNCED\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+[0-9a-f]+\s+\S+\s+true\s+2$/,
    );
  }, 60_000);

  it('a proxy that stops acknowledging shows the version it holds as STALE after a rotation', async () => {
    const first = selfSigned('stall.example.com', 30);
    expect(
      (await s.keyway(['apply', '-f', '-'], secretYaml('istio-system', 'stall-credential', first))).code,
    ).toBe(0);
    // A real ADS client with the gateways' token that applies the first response and then hangs on
    // every later one: it never ACKs again, as a wedged Envoy would not.
    const nodeId = istioRouterNodeId('127.0.0.1', 'stalled-0', 'istio-system');
    let applied = 0;
    // The hang ends only when the test does (close() waits for the update in progress).
    let unstall: () => void = () => undefined;
    const stalled = new Promise<{ ok: false; message: string }>(
      (r) => (unstall = () => r({ ok: false, message: 'test over' })),
    );
    const client = new AdsClient({
      target: `127.0.0.1:${s.suite.ports.sdsGrpc}`,
      transport: { kind: 'insecure' },
      node: buildNode({ id: nodeId, namespace: 'istio-system', labels: { app: 'stalled' } }),
      token: () => fs.readFileSync(path.join(path.dirname(s.workDir), 'gateway-token'), 'utf8').trim(),
      subscriber: {
        onUpdate: () => (applied++ === 0 ? { ok: true } : stalled),
      },
    });
    client.subscribe(TypeUrl.Secret, ['kubernetes://stall-credential']);
    client.start();
    try {
      const row = async () =>
        (await s.keyway(['pc', 'secret', nodeId, '-n', 'istio-system'])).stdout
          .split('\n')
          .find((l) => l.startsWith('kubernetes://stall-credential')) ?? '';
      await waitFor(async () => (await row()).includes(' SYNCED ') || undefined, {
        what: 'the stalled proxy to hold stall-credential',
        timeoutMs: 20_000,
      });
      const second = selfSigned('stall.example.com', 60);
      expect(
        (await s.keyway(['apply', '-f', '-'], secretYaml('istio-system', 'stall-credential', second))).code,
      ).toBe(0);
      const stale = await waitFor(async () => ((await row()).includes(' STALE ') ? row() : undefined), {
        what: 'the stalled proxy shown STALE',
        timeoutMs: 20_000,
      });
      // It still holds the first certificate: that serial, not the new one.
      expect(stale).toContain(serialOf(first.cert).replace(/^0+/, ''));
      expect(stale).not.toContain(serialOf(second.cert).replace(/^0+/, ''));
    } finally {
      unstall();
      await client.close();
    }
  }, 60_000);

  it('listeners, routes, clusters and endpoints of the gateway, decoded, with the type sync state', async () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: pc, namespace: default}
spec:
  hosts: [pc.example.com]
  gateways: [pc-gateway]
  http:
  - route: [{destination: {host: httpbin.default.svc.cluster.local, port: {number: 8000}}}]
`;
    expect((await s.keyway(['apply', '-f', '-'], vs)).code).toBe(0);
    const gateway = await proxyId();
    const pc = (type: string, ...more: string[]) =>
      s.keyway(['pc', type, gateway, '-n', 'istio-system', ...more]);
    const listeners = await waitFor(
      async () => {
        const out = await pc('listener');
        return out.stdout.includes('pc.example.com') ? out : undefined;
      },
      { what: 'the 443 listener with pc.example.com', timeoutMs: 20_000 },
    );
    expect(listeners.code).toBe(0);
    expect(listeners.stdout.split('\n')[0].split(/\s{2,}/)).toEqual([
      'NAME',
      'ADDRESS',
      'PORT',
      'FILTER CHAINS',
      'SERVER NAMES',
    ]);
    expect(listeners.stdout).toMatch(/\s443\s+\d+\s+.*pc\.example\.com/);
    expect(listeners.stderr).toMatch(
      /^listeners of .*: SYNCED \(acked [0-9a-f]{16}, current [0-9a-f]{16}\)$/m,
    );
    const clusters = await waitFor(
      async () => {
        const out = await pc('clusters');
        return out.stdout.includes('httpbin') ? out : undefined;
      },
      { what: 'the httpbin cluster', timeoutMs: 20_000 },
    );
    expect(clusters.stdout.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'TYPE', 'LB POLICY', 'TLS']);
    const endpoints = await pc('endpoints');
    expect(endpoints.stdout).toMatch(/httpbin\S*\s+127\.0\.0\.1:\d+/);
    const routes = await pc('route');
    expect(routes.stdout.split('\n')[0]).toMatch(/^NAME\s+VHOST NAME\s+DOMAINS\s+ROUTES/);
    expect(routes.stdout).toMatch(/pc\.example\.com/);
    // -o json: the Envoy resources themselves, as proxy-config -o json gives them.
    const json = JSON.parse((await pc('listener', '-o', 'json')).stdout);
    expect(json.typeUrl).toBe('type.googleapis.com/envoy.config.listener.v3.Listener');
    expect(
      json.resources.some((r: { resource: { name: string } }) => r.resource.name === r.resource.name),
    ).toBe(true);
    expect(JSON.stringify(json)).not.toMatch(/PRIVATE KEY/);
  });
});

describe('keyway analyze and apply --dry-run=server', () => {
  const vs = (
    name: string,
    host: string,
    gateways: string[],
    match = '',
  ) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: istio-system}
spec:
  hosts: [${host}]
  gateways: [${gateways.join(', ')}]
  http:
  - ${match}route: [{destination: {host: httpbin.default.svc.cluster.local, port: {number: 8000}}}]
`;
  const gw = (
    name: string,
    host: string,
    credential: string,
    selector = 'istio: ingressgateway',
  ) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: istio-system}
spec:
  selector: {${selector}}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: ${credential}}
    hosts: [${host}]
`;

  beforeAll(async () => {
    const owner = secretYaml('istio-system', 'analyze-cred', selfSigned('conflict.analyze.example.com', 300));
    expect((await s.keyway(['apply', '-f', '-'], owner)).code).toBe(0);
    const applied = await s.keyway(
      ['apply', '-f', '-'],
      gw('owner-gw', 'conflict.analyze.example.com', 'analyze-cred'),
    );
    expect(applied).toMatchObject({ code: 0, stderr: '' });
  });

  it('broken manifests: each finding with its Istio or KW code, exit 1, nothing applied', async () => {
    const a = selfSigned('mismatch-a.analyze.example.com', 300);
    const b = selfSigned('mismatch-b.analyze.example.com', 300);
    const broken = [
      gw('broken-gw', 'typo.analyze.example.com', 'no-such-credential'),
      gw('lonely-gw', 'lonely.analyze.example.com', 'analyze-cred', 'app: nothing-has-this-label'),
      gw('thief-gw', 'conflict.analyze.example.com', 'analyze-cred'),
      vs(
        'broken-vs',
        'typo.analyze.example.com',
        ['broken-gw', 'no-such-gateway'],
        'match: [{uri: {regex: "/(?=ahead)"}}]\n    ',
      ),
      vs('stray-vs', 'stray.analyze.example.com', ['owner-gw']),
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: schema-gw, namespace: istio-system}
spec:
  servers: [{port: {number: "eighty"}, hosts: [schema.analyze.example.com]}]
`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: not-ours, namespace: istio-system}\n',
      secretYaml('istio-system', 'mismatched', { cert: a.cert, key: b.key }),
      secretYaml('istio-system', 'expiring', selfSigned('expiring.analyze.example.com', 3)),
    ].join('---\n');
    const out = await s.keyway(['analyze', '-f', '-'], broken);
    expect(out.code).toBe(1);
    const lines = out.stdout.trim().split('\n');
    const has = (re: RegExp) => expect(lines.some((l) => re.test(l))).toBe(true);
    has(
      /^Error \[IST0101\] \(Gateway istio-system\/broken-gw\) spec\.servers\[0\]\.tls\.credentialName: Referenced credentialName not found: "no-such-credential"$/,
    );
    has(
      /^Error \[IST0101\] \(Gateway istio-system\/lonely-gw\) spec\.selector: Referenced selector not found: "app=nothing-has-this-label"/,
    );
    has(
      /^Error \[IST0101\] \(VirtualService istio-system\/broken-vs\) spec\.gateways\[1\]: Referenced gateway not found: "no-such-gateway"$/,
    );
    has(/^Error \[IST0145\] \(Gateway istio-system\/thief-gw\) spec\.servers\[0\]\.hosts.*owner-gw/);
    has(/^Error \[KW0201\] \(VirtualService istio-system\/broken-vs\) spec\.http\[0\]\.match\[0\]\.uri/);
    has(/^Warning \[IST0132\] \(VirtualService istio-system\/stray-vs\) spec\.hosts: one or more host\(s\)/);
    has(/^Error \[IST0106\] \(Gateway istio-system\/schema-gw\) spec\.servers\[0\]\.port/);
    has(/^Error \[KW0206\] \(ConfigMap istio-system\/not-ours\) kind "ConfigMap" is not managed by keyway$/);
    has(/^Error \[KW0103\] \(Secret istio-system\/mismatched\) data\.tls\.key: /);
    has(/^Warning \[KW0101\] \(Secret istio-system\/expiring\) /);
    // Errors come first; nothing was applied.
    expect(lines.findIndex((l) => l.startsWith('Warning'))).toBeGreaterThan(
      lines.findLastIndex((l) => l.startsWith('Error')),
    );
    expect((await s.keyway(['get', 'gateway', 'broken-gw', '-n', 'istio-system'])).code).toBe(1);
    expect((await s.keyway(['get', 'secret', 'mismatched', '-n', 'istio-system'])).code).toBe(1);
    // The same findings as JSON for a pipeline.
    const json = JSON.parse((await s.keyway(['analyze', '-f', '-', '-o', 'json'], broken)).stdout);
    expect(json.findings.map((f: { code: string }) => f.code)).toEqual(
      expect.arrayContaining([
        'IST0101',
        'IST0106',
        'IST0132',
        'IST0145',
        'KW0101',
        'KW0103',
        'KW0201',
        'KW0206',
      ]),
    );
  });

  it('a Secret with the Gateway that uses it: nothing to report, exit 0', async () => {
    const pair = selfSigned('clean.analyze.example.com', 300);
    const clean = [
      secretYaml('istio-system', 'clean-cred', pair),
      gw('clean-gw', 'clean.analyze.example.com', 'clean-cred'),
      vs('clean-vs', 'clean.analyze.example.com', ['clean-gw']),
    ].join('---\n');
    expect(await s.keyway(['analyze', '-f', '-'], clean)).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it("a certificate that does not name the server's host: a KW0108 warning, exit 0 (#13.1)", async () => {
    const other = selfSigned('named.analyze.example.com', 300);
    const manifests = [
      // A stored credential (its certificate names conflict.analyze.example.com) ...
      gw('unnamed-gw', 'unnamed.analyze.example.com', 'analyze-cred'),
      // ... and one of the same request.
      secretYaml('istio-system', 'named-cred', other),
      gw('named-gw', 'elsewhere.analyze.example.com', 'named-cred'),
    ].join('---\n');
    const out = await s.keyway(['analyze', '-f', '-'], manifests);
    expect(out.code).toBe(0);
    expect(out.stdout.trim().split('\n')).toEqual([
      'Warning [KW0108] (Gateway istio-system/named-gw) spec.servers[0].hosts: host "elsewhere.analyze.example.com" is not among the names of the certificate in credential istio-system/named-cred: clients that check the name will refuse the handshake',
      'Warning [KW0108] (Gateway istio-system/unnamed-gw) spec.servers[0].hosts: host "unnamed.analyze.example.com" is not among the names of the certificate in credential istio-system/analyze-cred: clients that check the name will refuse the handshake',
    ]);
  });

  it('apply --dry-run=server: says what it would do, with the findings as warnings, and changes nothing', async () => {
    const dry = await s.keyway(
      ['apply', '--dry-run=server', '-f', '-'],
      [
        gw('owner-gw', 'conflict.analyze.example.com', 'analyze-cred'),
        gw('dry-gw', 'dry.analyze.example.com', 'no-such-credential'),
      ].join('---\n'),
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      'gateway.networking.istio.io/owner-gw configured (server dry run)\ngateway.networking.istio.io/dry-gw created (server dry run)\n',
    );
    expect(dry.stderr).toMatch(
      /^Warning: Error \[IST0101\] \(Gateway istio-system\/dry-gw\) .*"no-such-credential"$/m,
    );
    expect((await s.keyway(['get', 'gateway', 'dry-gw', '-n', 'istio-system'])).code).toBe(1);

    const refused = await s.keyway(
      ['apply', '--dry-run=server', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: not-ours, namespace: istio-system}\n',
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ConfigMap.*not managed by keyway/);
  });
});

describe('keyway audit verify', () => {
  it('checks the chains and the signed checkpoints of the running suite, and the CA record (#15.2)', async () => {
    // A certificate from keyway's CA: its decision and issuance are rows of the CA's record.
    expect((await s.keyway(['cert', 'issue', 'verify.example.com', '--out', 'verify-cert'])).code).toBe(0);
    const out = await s.keyway(['audit', 'verify']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(
      /^OK: audit chain intact \(\d+ credentials, \d+ rows\); matches signed checkpoint \d+ \(\S+\)\nOK: CA record chain intact \([1-9]\d* decisions, issuances, revocations and CRLs\); matches signed checkpoint \d+ \(\S+\)\n$/,
    );
    // The same record in `keyway audit log`: the issuance, and the decision that allowed it.
    const log = await s.keyway(['audit', 'log', '--kind', 'ca-issuance,ca-decision', '-o', 'json']);
    expect(log.code).toBe(0);
    const events = JSON.parse(log.stdout).items as Array<{ kind: string; action: string; detail?: string }>;
    expect(events.find((e) => e.kind === 'ca-issuance')).toMatchObject({ action: 'issued' });
    expect(events.find((e) => e.kind === 'ca-decision')).toMatchObject({ action: 'allowed' });
  });
});

describe('keyway audit log', () => {
  const admin = (method: string, url: string, body: unknown) =>
    fetch(`${s.suite.apiUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${s.suite.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));
  const tokens: Record<string, string> = {};
  const as = (team: string, args: string[], stdin?: string) =>
    runProgram(process.execPath, [path.resolve('bin/keyway.mjs'), ...args], {
      env: { ...s.suite.cliEnv, KEYWAY_TOKEN: tokens[team] },
      stdin,
      cwd: s.workDir,
    });

  beforeAll(async () => {
    for (const team of ['alpha', 'beta']) {
      expect((await admin('POST', '/v1/teams', { name: team, namespaces: [team] })).status).toBe(201);
      const t = await admin('POST', '/v1/tokens', { name: `${team}-ci`, team, verbs: ['read', 'write'] });
      tokens[team] = t.body.token;
    }
    for (const [team, days] of [
      ['alpha', 40],
      ['alpha', 50],
      ['beta', 60],
    ] as const) {
      const out = await as(
        team,
        ['apply', '-f', '-'],
        secretYaml(team, 'site', selfSigned(`site.${team}.example.com`, days)),
      );
      expect(out.code).toBe(0);
    }
  });

  it('what did team alpha change: its versions and its requests, nothing of beta', async () => {
    const out = await s.keyway(['audit', 'log', '--team', 'alpha', '--since', '1h']);
    expect(out.code).toBe(0);
    const [header, ...rows] = out.stdout.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['TIME', 'KIND', 'RESOURCE', 'ACTION', 'ACTOR', 'DETAIL']);
    const versions = rows.filter((r) => /\scredential-version\s/.test(r));
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatch(/alpha\/site\s+updated\s+user:alpha-ci \(team alpha\)\s+serial [0-9a-f]+/);
    expect(versions[1]).toMatch(/alpha\/site\s+created\s/);
    expect(rows.some((r) => /\sapi-request\s.*POST \/v1\/apply\s+token:alpha-ci\s+200/.test(r))).toBe(true);
    expect(out.stdout).not.toMatch(/beta/);
  });

  it("a team token sees its own namespaces and requests only, and is refused another team's namespace", async () => {
    const mine = await as('alpha', ['audit', 'log', '--kind', 'credential-version', '-o', 'json']);
    expect(mine.code).toBe(0);
    const items = JSON.parse(mine.stdout).items as Array<{ namespace: string }>;
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.namespace))).toEqual(new Set(['alpha']));
    const theirs = await as('alpha', ['audit', 'log', '-n', 'beta']);
    expect(theirs.code).toBe(4);
  });

  it("an audit token reads every team's record and verifies the whole log, and nothing else", async () => {
    expect((await admin('POST', '/v1/teams', { name: 'auditors', namespaces: [] })).status).toBe(201);
    const t = await admin('POST', '/v1/tokens', { name: 'auditor', team: 'auditors', verbs: ['audit'] });
    expect(t.status).toBe(201);
    tokens.auditors = t.body.token;
    const log = await as('auditors', [
      'audit',
      'log',
      '--kind',
      'credential-version,api-request',
      '-o',
      'json',
    ]);
    expect(log.code).toBe(0);
    const items = JSON.parse(log.stdout).items as Array<{ namespace?: string; actor: string }>;
    expect(items.some((i) => i.namespace === 'alpha')).toBe(true);
    expect(items.some((i) => i.namespace === 'beta')).toBe(true);
    expect(items.some((i) => i.actor === 'token:beta-ci')).toBe(true);
    expect(await as('auditors', ['audit', 'verify'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^OK: audit chain intact/),
    });
    expect((await as('auditors', ['history', 'site', '-n', 'beta'])).code).toBe(0);
    // Reading the record is not reading or changing the credentials themselves.
    expect((await as('auditors', ['get', 'secrets', '-n', 'beta'])).code).toBe(4);
    const write = await as(
      'auditors',
      ['apply', '-f', '-'],
      secretYaml('beta', 'site', selfSigned('x.beta.example.com', 30)),
    );
    expect(write.code).toBe(4);
  });
});

describe('least privilege on the bus (#13.7)', () => {
  it('every service did all of the above as its own NATS user: the server refused nothing', () => {
    expect(s.busViolations()).toEqual([]);
  });
});
