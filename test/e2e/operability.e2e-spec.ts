/**
 * What a platform team asks every day, answered by the CLI against a running suite: apply prints the
 * api's warnings as kubectl does, and `-o wide` shows what the plain table hides.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '#keyway/testing';
import { startWalkthroughSuite, type WalkthroughSuite } from './support.js';

let s: WalkthroughSuite;

beforeAll(async () => {
  s = await startWalkthroughSuite();
}, 180_000);

afterAll(async () => {
  await s?.stop();
});

/** A self-signed certificate for HOST valid DAYS days, made by openssl in the suite's work folder. */
function selfSigned(host: string, days: number): { cert: string; key: string } {
  const cert = path.join(s.workDir, `${host}.crt`);
  const key = path.join(s.workDir, `${host}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      String(days),
    ].concat(['-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`, '-keyout', key, '-out', cert]),
    { stdio: 'ignore' },
  );
  return { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') };
}

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
  const serialOf = (pem: string) =>
    execFileSync('openssl', ['x509', '-noout', '-serial'], { input: pem })
      .toString()
      .trim()
      .split('=')[1]
      .toLowerCase();
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
});
