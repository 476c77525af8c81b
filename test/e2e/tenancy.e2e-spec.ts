/**
 * Issue #13's attacks, as a hostile tenant would run them against a running suite (real CLI, real
 * curl): each must leave every other team served.
 */
import fs from 'node:fs';
import { waitFor } from '#keyway/testing';
import { ok, run, selfSignedPair, startWalkthroughSuite, type WalkthroughSuite } from './support.js';

let w: WalkthroughSuite;
let httpPort: number;

/** One plain-HTTP request through the gateway: status code and seconds taken, as curl measures. */
async function get(host: string, path: string): Promise<{ code: number; seconds: number }> {
  const r = await run('curl', [
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{time_total}',
    '--max-time',
    '10',
    '-H',
    `Host: ${host}`,
    `http://127.0.0.1:${httpPort}${path}`,
  ]);
  const [code, seconds] = r.stdout.split(' ');
  return { code: Number(code), seconds: Number(seconds) };
}

const plainHost = (name: string, host: string, match: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${name}
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http-${name}, protocol: HTTP}
    hosts: ["${host}"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
spec:
  hosts: ["${host}"]
  gateways: [${name}]
  http:
  - match: [{uri: ${match}}]
    route: [{destination: {host: httpbin, port: {number: 8000}}}]
`;

beforeAll(async () => {
  w = await startWalkthroughSuite();
  httpPort = w.suite.ports.gatewayHttp;
  ok(await w.keyway(['apply', '-f', '-'], plainHost('victim', 'victim.example.com', '{prefix: /status}')));
  await waitFor(
    async () => ((await get('victim.example.com', '/status/418')).code === 418 ? true : undefined),
    {
      what: 'the victim host served',
      // A readiness wait, not a measure: under a loaded CI machine the first compile and push took
      // longer than 15 s once.
      timeoutMs: 60_000,
    },
  );
}, 180_000);

afterAll(async () => {
  await w?.stop();
});

describe('regexes have one meaning: RE2, in linear time', () => {
  it('a catastrophic pattern answers in milliseconds and the gateway keeps serving everyone', async () => {
    ok(
      await w.keyway(
        ['apply', '-f', '-'],
        plainHost('redos', 'redos.example.com', '{regex: "/status/(4+)+18"}'),
      ),
    );
    await waitFor(
      async () => ((await get('redos.example.com', '/status/418')).code === 418 ? true : undefined),
      {
        what: 'the attacker host served',
        timeoutMs: 15_000,
      },
    );
    // V8's backtracking engine never returns on this input; RE2 is linear in it.
    const attack = await get('redos.example.com', `/status/${'4'.repeat(40)}!`);
    expect(attack.code).toBe(404);
    expect(attack.seconds).toBeLessThan(1);
    const long = await get('redos.example.com', `/status/${'4'.repeat(64 * 1024 - 16)}!`);
    expect([404, 414, 431]).toContain(long.code);
    expect(long.seconds).toBeLessThan(1);
    const victim = await get('victim.example.com', '/status/418');
    expect(victim.code).toBe(418);
    expect(victim.seconds).toBeLessThan(1);
    const ready = await fetch(`http://127.0.0.1:${w.suite.ports.gatewayAdmin}/ready`);
    expect(ready.status).toBe(200);
  }, 60_000);

  it("a pattern above Envoy's RE2 program size limit is refused on its VirtualService: Envoy would NACK the shared routes", async () => {
    const manifest = plainHost('bigre', 'bigre.example.com', '{regex: "/status/.{1000}x"}');
    const analyzed = await w.keyway(['analyze', '-f', '-'], manifest);
    expect(analyzed.code).toBe(1);
    expect(analyzed.stdout).toMatch(
      /^Error \[KW0201\] \(VirtualService default\/bigre\) spec\.http\[0\]\.match\[0\]\.uri\.regex: "\/status\/\.\{1000\}x" is too large for Envoy: its RE2 program size at least 1\d{3} is above 100/m,
    );
    ok(await w.keyway(['apply', '-f', '-'], manifest));
    // The route is not compiled: a path it would match finds no route, and everyone else is served.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await get('bigre.example.com', `/status/${'a'.repeat(1000)}x`)).code).toBe(404);
    expect((await get('victim.example.com', '/status/418')).code).toBe(418);
  }, 60_000);

  it('a pattern RE2 accepts is accepted by the gateway too: no NACK holds back another team', async () => {
    ok(
      await w.keyway(
        ['apply', '-f', '-'],
        plainHost('caseless', 'ci.example.com', '{regex: "(?i)/STATUS/.*"}'),
      ),
    );
    // Another team's new host, applied after the (?i) pattern, on the same shared port-80 routes.
    ok(await w.keyway(['apply', '-f', '-'], plainHost('newcomer', 'new.example.com', '{prefix: /status}')));
    await waitFor(
      async () => ((await get('new.example.com', '/status/418')).code === 418 ? true : undefined),
      {
        what: "the other team's new host served",
        timeoutMs: 15_000,
      },
    );
    expect((await get('ci.example.com', '/status/418')).code).toBe(418);
    const stats = await (await fetch(`http://127.0.0.1:${w.suite.ports.gatewayAdmin}/stats`)).text();
    expect(stats).not.toMatch(
      /keyway_gateway_xds_update_total\{[^}]*type="rds"[^}]*result="nack"[^}]*\} [1-9]/,
    );
  }, 60_000);
});

/** The api process's resident memory, from /proc (kB -> MB). */
function apiRssMb(): number {
  const api = w.suite.processes.find((p) => p.name === 'api')!;
  const status = fs.readFileSync(`/proc/${api.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

describe('attacker-controlled bodies are bounded before they are processed', () => {
  let readOnly: string;
  let writer: string;
  const api = (path: string, init: RequestInit = {}) => fetch(`${w.suite.apiUrl}${path}`, init);
  const admin = () => ({ authorization: `Bearer ${w.suite.adminToken}`, 'content-type': 'application/json' });

  beforeAll(async () => {
    expect(
      (
        await api('/v1/teams', {
          method: 'POST',
          headers: admin(),
          body: JSON.stringify({ name: 'team-a', namespaces: ['team-a'] }),
        })
      ).status,
    ).toBeLessThan(300);
    const token = async (verbs: string[]) =>
      (
        (await (
          await api('/v1/tokens', {
            method: 'POST',
            headers: admin(),
            body: JSON.stringify({ name: verbs.join('-'), team: 'team-a', verbs }),
          })
        ).json()) as { token: string }
      ).token;
    readOnly = await token(['read']);
    writer = await token(['read', 'write']);
  });

  it('a read-only token posting 4 MB of `---`: refused before the YAML is parsed, the api stays small', async () => {
    const before = apiRssMb();
    const body = '---\n'.repeat(1_000_000);
    const started = performance.now();
    const r = await api('/v1/apply', {
      method: 'POST',
      headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/yaml' },
      body,
    });
    expect(r.status).toBe(403);
    expect(performance.now() - started).toBeLessThan(2000);
    // Before: the body became a million documents (about 1 GB) before the verb was checked.
    expect(apiRssMb() - before).toBeLessThan(100);
  });

  it('a writer posting a million documents: 413 naming the limit, before any is parsed', async () => {
    const r = await api('/v1/apply', {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/yaml' },
      body: '---\n'.repeat(1_000_000),
    });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { message: string }).message).toMatch(
      /at most 500 \(API_MAX_APPLY_DOCUMENTS\)/,
    );
  });

  it('a body over the size limit: 413 naming the limit; without a token, never read', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const r = await api('/v1/apply', {
      method: 'POST',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/yaml' },
      body: big,
    });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { message: string }).message).toMatch(
      /limit of 4194304 bytes \(API_MAX_BODY_BYTES\)/,
    );
    const anonymous = await api('/v1/apply', {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: big,
    });
    expect(anonymous.status).toBe(401);
  });

  it('anonymous requests are rate-limited per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await api('/openapi.json')).status);
    expect(statuses).toContain(429);
    // A token holder is not limited by what anonymous clients did.
    expect(
      (await api('/v1/namespaces/team-a/secrets', { headers: { authorization: `Bearer ${writer}` } })).status,
    ).toBe(200);
  });
});

describe('CA ownership', () => {
  const api = (path: string, init: RequestInit = {}) => fetch(`${w.suite.apiUrl}${path}`, init);
  let admin: Record<string, string>;
  let teamB: string;

  beforeAll(async () => {
    admin = { authorization: `Bearer ${w.suite.adminToken}`, 'content-type': 'application/json' };
    for (const team of ['team-a', 'team-b'])
      await api('/v1/teams', {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ name: team, namespaces: [team] }),
      });
    const r = await api('/v1/tokens', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'team-b-all', team: 'team-b', verbs: ['read', 'write', 'issue'] }),
    });
    const created = (await r.json()) as { token: string };
    expect(created).toMatchObject({ token: expect.any(String) });
    teamB = created.token;
  });

  it("another team's serial cannot be revoked: 404, and it stays off the issuer's CRL", async () => {
    // Issued to team walkthrough by the platform (`cert issue` sets up that team's policy).
    const issued = JSON.parse(
      ok(await w.keyway(['cert', 'issue', 'victim.example.com', '--out', 'victim', '-o', 'json'])).stdout,
    ) as { serials: { server: string } };
    const serial = issued.serials.server;
    const r = await api('/v1/ca/revoke', {
      method: 'POST',
      headers: { authorization: `Bearer ${teamB}`, 'content-type': 'application/json' },
      body: JSON.stringify({ serial, reason: 'keyCompromise' }),
    });
    expect(r.status).toBe(404);
    const list = (await (await api('/v1/ca/authorities', { headers: admin })).json()) as {
      items: Array<{ name: string }>;
    };
    for (const a of list.items) {
      const crl = await (await api(`/v1/ca/authorities/${a.name}/crl`, { headers: admin })).text();
      expect(crl).not.toContain(serial);
    }
  });

  it('a Certificate resource needs the issue verb', async () => {
    const certificate = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: sneaky, namespace: team-a}
spec:
  secretName: sneaky-tls
  issuerRef: {name: any}
  dnsNames: [sneaky.example.com]
`;
    const writerToken = (
      (await (
        await api('/v1/tokens', {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ name: 'rw', team: 'team-a', verbs: ['read', 'write'] }),
        })
      ).json()) as { token: string }
    ).token;
    const r = await api('/v1/apply', {
      method: 'POST',
      headers: { authorization: `Bearer ${writerToken}`, 'content-type': 'application/yaml' },
      body: certificate,
    });
    expect(r.status).toBe(403);
    const body = (await r.json()) as { items: Array<{ error?: { message: string } }> };
    expect(body.items[0].error?.message).toMatch(/may not issue/);
  });
});

describe('hosts belong to the team whose domains cover them', () => {
  const api = (path: string, init: RequestInit = {}) => fetch(`${w.suite.apiUrl}${path}`, init);
  let attacker: string;
  const gatewayAndRoute = (
    ns: string,
    name: string,
    host: string,
    prefix: string,
    dest: string,
    port: number,
  ) =>
    `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http-${name}, protocol: HTTP}
    hosts: ["${host}"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: ["${host}"]
  gateways: [${name}]
  http:
  - match: [{uri: {prefix: ${prefix}}}]
    route: [{destination: {host: ${dest}.default.svc.cluster.local, port: {number: ${port}}}}]
`;

  beforeAll(async () => {
    const admin = { authorization: `Bearer ${w.suite.adminToken}`, 'content-type': 'application/json' };
    for (const [name, domain] of [
      ['blue', '*.blue.example.com'],
      ['red', '*.red.example.com'],
    ])
      expect(
        (
          await api('/v1/teams', {
            method: 'POST',
            headers: admin,
            body: JSON.stringify({ name, namespaces: [name], domains: [domain] }),
          })
        ).status,
      ).toBe(201);
    const r = await api('/v1/tokens', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'red-writer', team: 'red', verbs: ['read', 'write'] }),
    });
    attacker = ((await r.json()) as { token: string }).token;
    // The victim: team blue's host, applied by the platform into blue's namespace.
    ok(
      await w.keyway(
        ['apply', '-f', '-'],
        gatewayAndRoute('blue', 'shop', 'shop.blue.example.com', '/status', 'httpbin', 8000),
      ),
    );
    await waitFor(
      async () => ((await get('shop.blue.example.com', '/status/418')).code === 418 ? true : undefined),
      {
        what: "blue's host served",
        timeoutMs: 15_000,
      },
    );
  });

  it("another team's Gateway and VirtualService naming blue's host add no route to it and are refused with the rule, host and owner", async () => {
    const r = await api('/v1/apply', {
      method: 'POST',
      headers: { authorization: `Bearer ${attacker}`, 'content-type': 'application/yaml' },
      body: gatewayAndRoute('red', 'takeover', 'shop.blue.example.com', '/hello', 'helloworld-v1', 5000),
    });
    expect(r.status).toBe(200);
    const status = await waitFor(
      async () => {
        const s = await w.keyway(['status', '-n', 'red']);
        return /Gateway\/red\/takeover/.test(s.stdout) ? s.stdout : undefined;
      },
      { what: "the attacker's status", timeoutMs: 10_000 },
    );
    expect(status).toMatch(
      /Gateway\/red\/takeover\s+false\s+.*host "shop\.blue\.example\.com" belongs to team blue.*\(host-owned-by-another-team\)/,
    );
    expect(status).toMatch(/VirtualService\/red\/takeover\s+false\s+.*\(host-owned-by-another-team\)/);
    // Give the compiler time to have published whatever it would.
    await new Promise((res) => setTimeout(res, 1500));
    expect((await get('shop.blue.example.com', '/hello')).code).toBe(404);
    expect((await get('shop.blue.example.com', '/status/418')).code).toBe(418);
  }, 30_000);

  it('a team serves its own hosts', async () => {
    const r = await api('/v1/apply', {
      method: 'POST',
      headers: { authorization: `Bearer ${attacker}`, 'content-type': 'application/yaml' },
      body: gatewayAndRoute('red', 'own', 'www.red.example.com', '/status', 'httpbin', 8000),
    });
    expect(r.status).toBe(200);
    await waitFor(
      async () => ((await get('www.red.example.com', '/status/418')).code === 418 ? true : undefined),
      {
        what: "red's own host served",
        timeoutMs: 15_000,
      },
    );
  }, 30_000);
});

describe("a team's Gateway uses another namespace's credential only where a ReferenceGrant lets it", () => {
  const api = (path: string, init: RequestInit = {}) => fetch(`${w.suite.apiUrl}${path}`, init);
  const yaml = (token: string, body: string) =>
    api('/v1/apply', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
      body,
    });
  let green: string;
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  /** A self-signed certificate for `cn`, made by openssl in the suite's work folder. */
  const selfSigned = async (_file: string, cn: string) => selfSignedPair(w.workDir, cn);
  const secret = (name: string, pair: { cert: string; key: string }) => `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: istio-system}
type: kubernetes.io/tls
data: {tls.crt: ${b64(pair.cert)}, tls.key: ${b64(pair.key)}}
`;
  const gateway = (name: string, host: string, credential: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: green}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-${name}, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: ${credential}}
    hosts: ["${host}"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: green}
spec:
  hosts: ["${host}"]
  gateways: [${name}]
  http:
  - route: [{destination: {host: httpbin.default.svc.cluster.local, port: {number: 8000}}}]
`;
  const grant = (name: string, secretName: string) => `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: ${name}, namespace: istio-system}
spec:
  from: [{group: networking.istio.io, kind: Gateway, namespace: green}]
  to: [{group: "", kind: Secret, name: ${secretName}}]
`;
  /** An HTTPS request for `host` through the gateway (any certificate): the status, 0 when TLS fails. */
  const https = async (host: string) => {
    const port = w.suite.ports.gatewayHttps;
    const r = await run('curl', [
      '-sk',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--max-time',
      '5',
      '--resolve',
      `${host}:${port}:127.0.0.1`,
      `https://${host}:${port}/status/418`,
    ]);
    return Number(r.stdout || 0);
  };

  beforeAll(async () => {
    const admin = { authorization: `Bearer ${w.suite.adminToken}`, 'content-type': 'application/json' };
    expect(
      (
        await api('/v1/teams', {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({
            name: 'green',
            namespaces: ['green', 'istio-system'],
            domains: ['*.green.example.com'],
          }),
        })
      ).status,
    ).toBe(201);
    const t = await api('/v1/tokens', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'green-writer', team: 'green', verbs: ['read', 'write'] }),
    });
    green = ((await t.json()) as { token: string }).token;
    // The platform's wildcard credential, kept where Istio keeps gateway credentials.
    expect(
      (
        await yaml(
          w.suite.adminToken,
          secret('platform-wild', await selfSigned('wild', '*.green.example.com')),
        )
      ).status,
    ).toBe(200);
  });

  it("the platform's credential, named by a team's Gateway without a grant: not served, refused with the rule", async () => {
    expect((await yaml(green, gateway('borrow', 'www.green.example.com', 'platform-wild'))).status).toBe(200);
    const status = await waitFor(
      async () => {
        const s = await w.keyway(['status', '-n', 'green']);
        return /Gateway\/green\/borrow/.test(s.stdout) ? s.stdout : undefined;
      },
      { what: 'the Gateway status', timeoutMs: 10_000 },
    );
    expect(status).toMatch(/Gateway\/green\/borrow\s+false\s+.*ReferenceGrant.*\(credential-not-granted\)/);
    await new Promise((res) => setTimeout(res, 1500));
    expect(await https('www.green.example.com')).toBe(0);
  }, 30_000);

  it('a team may not grant what it did not create', async () => {
    const r = await yaml(green, grant('take-wild', 'platform-wild'));
    expect(r.status).toBe(403);
    expect(JSON.stringify(await r.json())).toMatch(
      /Secret istio-system\/platform-wild is the platform's: only the team that created it may grant its use/,
    );
  });

  it('its own credential, with its own grant, serves; the platform granting its credential serves too', async () => {
    expect(
      (await yaml(green, secret('green-cert', await selfSigned('green', 'own.green.example.com')))).status,
    ).toBe(200);
    expect((await yaml(green, grant('green-own', 'green-cert'))).status).toBe(200);
    expect((await yaml(green, gateway('own', 'own.green.example.com', 'green-cert'))).status).toBe(200);
    await waitFor(async () => ((await https('own.green.example.com')) === 418 ? true : undefined), {
      what: "green's own credential served",
      timeoutMs: 15_000,
    });
    expect((await yaml(w.suite.adminToken, grant('lend-wild', 'platform-wild'))).status).toBe(200);
    await waitFor(async () => ((await https('www.green.example.com')) === 418 ? true : undefined), {
      what: 'the granted platform credential served',
      timeoutMs: 15_000,
    });
  }, 45_000);
});
