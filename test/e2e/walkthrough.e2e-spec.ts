/**
 * Istio's "secure gateways with SDS" task, end to end: the keyway CLI in place of kubectl, certificates
 * from `keyway cert issue`, real curl against keyway's gateway, every service its own process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '#keyway/testing';
import { run, startWalkthroughSuite, type CommandResult, type WalkthroughSuite } from './support.js';

const gatewayYaml = (servers: string) => `apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: mygateway
spec:
  selector:
    istio: ingressgateway # use istio default ingress gateway
  servers:
${servers}`;

const httpbinServer = (mode: string) => `  - port:
      number: 443
      name: https-httpbin
      protocol: HTTPS
    tls:
      mode: ${mode}
      credentialName: "httpbin-credential" # must be the same as secret
    hosts:
    - "httpbin.example.com"
`;

const helloworldServer = `  - port:
      number: 443
      name: https-helloworld
      protocol: HTTPS
    tls:
      mode: SIMPLE
      credentialName: "helloworld-credential"
    hosts:
    - "helloworld-v1.example.com"
`;

const httpbinVirtualService = `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: httpbin
spec:
  hosts:
  - "httpbin.example.com"
  gateways:
  - mygateway
  http:
  - match:
    - uri:
        prefix: /status
    - uri:
        prefix: /delay
    route:
    - destination:
        port:
          number: 8000
        host: httpbin
`;

const helloworldVirtualService = `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: helloworld-v1
spec:
  hosts:
  - "helloworld-v1.example.com"
  gateways:
  - mygateway
  http:
  - match:
    - uri:
        exact: /hello
    route:
    - destination:
        host: helloworld-v1
        port:
          number: 5000
`;

describe('the secure-gateway walkthrough', () => {
  let w: WalkthroughSuite;
  let ingressHost: string;
  let securePort: string;
  let gatewayPid: number | undefined;

  const ok = (r: CommandResult) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };
  const keyway = async (line: string, stdin?: string) => ok(await w.keyway(splitArgs(line), stdin));
  const curl = (host: string, pathname: string, extra: string[]) =>
    run(
      'curl',
      [
        '-sS',
        '-v',
        '--max-time',
        '10',
        '-HHost:' + host,
        '--resolve',
        `${host}:${securePort}:${ingressHost}`,
        ...extra,
        `https://${host}:${securePort}${pathname}`,
      ],
      {
        cwd: w.workDir,
      },
    );
  /** Curl until the gateway serves what the last change asked for: config reaches it asynchronously. */
  const curlUntil = (
    what: string,
    host: string,
    pathname: string,
    extra: string[],
    expect: (r: CommandResult) => boolean,
  ) =>
    waitFor(
      async () => {
        const r = await curl(host, pathname, extra);
        return expect(r) ? r : undefined;
      },
      { timeoutMs: 20_000, what },
    );

  beforeAll(async () => {
    w = await startWalkthroughSuite();
    gatewayPid = w.suite.processes.find((p) => p.name === 'gateway')?.child.pid;
  }, 180_000);
  afterAll(async () => {
    await w?.stop();
  });

  it('finds the ingress host and secure port as the task does', async () => {
    securePort = (
      await keyway(
        `-n istio-system get service istio-ingressgateway -o jsonpath={.spec.ports[?(@.name=="https")].port}`,
      )
    ).stdout.trim();
    ingressHost = (
      await keyway(
        `-n istio-system get service istio-ingressgateway -o jsonpath={.status.loadBalancer.ingress[0].ip}`,
      )
    ).stdout.trim();
    expect(securePort).toBe(String(w.suite.ports.gatewayHttps));
    expect(ingressHost).toBe('127.0.0.1');
  });

  it('1. SIMPLE, one host: 418 and the teapot over HTTP/2', async () => {
    await keyway('cert issue httpbin.example.com --out httpbin.example.com');
    await keyway(
      'create -n istio-system secret generic httpbin-credential --from-file=key=httpbin.example.com/3_application/private/httpbin.example.com.key.pem --from-file=cert=httpbin.example.com/3_application/certs/httpbin.example.com.cert.pem',
    );
    // What a CI pipeline would run first: the task's manifests have nothing to report.
    const analyzed = await w.keyway(
      ['analyze', '-f', '-'],
      `${gatewayYaml(httpbinServer('SIMPLE'))}---\n${httpbinVirtualService}`,
    );
    expect(analyzed).toMatchObject({ code: 0, stdout: '', stderr: '' });
    await keyway('apply -f -', gatewayYaml(httpbinServer('SIMPLE')));
    await keyway('apply -f -', httpbinVirtualService);
    const r = await curlUntil(
      'the teapot',
      'httpbin.example.com',
      '/status/418',
      ['--cacert', 'httpbin.example.com/2_intermediate/certs/ca-chain.cert.pem'],
      (x) => x.stdout.includes('-=[ teapot ]=-'),
    );
    expect(r.stderr).toMatch(/< HTTP\/2 418/);
  });

  it('2. rotation: delete the Secret, create one from a new CA; old CA fails, same gateway process', async () => {
    await keyway('-n istio-system delete secret httpbin-credential');
    await keyway('cert issue httpbin.example.com --out new_certificates');
    await keyway(
      'create -n istio-system secret generic httpbin-credential --from-file=key=new_certificates/3_application/private/httpbin.example.com.key.pem --from-file=cert=new_certificates/3_application/certs/httpbin.example.com.cert.pem',
    );
    await curlUntil(
      'the new certificate',
      'httpbin.example.com',
      '/status/418',
      ['--cacert', 'new_certificates/2_intermediate/certs/ca-chain.cert.pem'],
      (x) => x.stdout.includes('-=[ teapot ]=-'),
    );
    const old = await curl('httpbin.example.com', '/status/418', [
      '--cacert',
      'httpbin.example.com/2_intermediate/certs/ca-chain.cert.pem',
    ]);
    expect(old.code).not.toBe(0);
    expect(old.stderr).toMatch(/unable to get local issuer certificate/);
    expect(w.suite.processes.find((p) => p.name === 'gateway')?.child.pid).toBe(gatewayPid);
    expect(w.suite.processes.find((p) => p.name === 'gateway')?.child.exitCode).toBeNull();
  });

  it('3. two hosts on 443: helloworld-v1 /hello gives 200 and httpbin still the teapot', async () => {
    await keyway('cert issue helloworld-v1.example.com --out helloworld-v1.example.com');
    await keyway(
      'create -n istio-system secret generic helloworld-credential --from-file=key=helloworld-v1.example.com/3_application/private/helloworld-v1.example.com.key.pem --from-file=cert=helloworld-v1.example.com/3_application/certs/helloworld-v1.example.com.cert.pem',
    );
    await keyway('apply -f -', gatewayYaml(httpbinServer('SIMPLE') + helloworldServer));
    await keyway('apply -f -', helloworldVirtualService);
    const hello = await curlUntil(
      'helloworld',
      'helloworld-v1.example.com',
      '/hello',
      ['--cacert', 'helloworld-v1.example.com/2_intermediate/certs/ca-chain.cert.pem'],
      (x) => /< HTTP\/2 200/.test(x.stderr),
    );
    expect(hello.stdout).toMatch(/Hello version: v1/);
    const teapot = await curl('httpbin.example.com', '/status/418', [
      '--cacert',
      'new_certificates/2_intermediate/certs/ca-chain.cert.pem',
    ]);
    expect(teapot.stdout).toContain('-=[ teapot ]=-');
  });

  it('4. MUTUAL: no client certificate fails the handshake; with --cert/--key 418', async () => {
    await keyway('-n istio-system delete secret httpbin-credential');
    await keyway(
      'create -n istio-system secret generic httpbin-credential --from-file=key=httpbin.example.com/3_application/private/httpbin.example.com.key.pem --from-file=cert=httpbin.example.com/3_application/certs/httpbin.example.com.cert.pem --from-file=cacert=httpbin.example.com/2_intermediate/certs/ca-chain.cert.pem',
    );
    await keyway('apply -f -', gatewayYaml(httpbinServer('MUTUAL')));
    const cacert = ['--cacert', 'httpbin.example.com/2_intermediate/certs/ca-chain.cert.pem'];
    const refused = await curlUntil(
      'client certificates required',
      'httpbin.example.com',
      '/status/418',
      cacert,
      (x) => x.code !== 0 && /certificate required|alert|handshake/i.test(x.stderr),
    );
    expect(refused.stdout).not.toContain('teapot');
    const withCert = await curlUntil(
      'mTLS teapot',
      'httpbin.example.com',
      '/status/418',
      [
        ...cacert,
        '--cert',
        'httpbin.example.com/4_client/certs/httpbin.example.com.cert.pem',
        '--key',
        'httpbin.example.com/4_client/private/httpbin.example.com.key.pem',
      ],
      (x) => x.stdout.includes('-=[ teapot ]=-'),
    );
    expect(withCert.stderr).toMatch(/< HTTP\/2 418/);
  });

  it('5. the split httpbin-credential-cacert Secret works the same', async () => {
    await keyway('-n istio-system delete secret httpbin-credential');
    await keyway(
      'create -n istio-system secret generic httpbin-credential --from-file=key=httpbin.example.com/3_application/private/httpbin.example.com.key.pem --from-file=cert=httpbin.example.com/3_application/certs/httpbin.example.com.cert.pem',
    );
    await keyway(
      'create -n istio-system secret generic httpbin-credential-cacert --from-file=cacert=httpbin.example.com/2_intermediate/certs/ca-chain.cert.pem',
    );
    const cacert = ['--cacert', 'httpbin.example.com/2_intermediate/certs/ca-chain.cert.pem'];
    const client = [
      '--cert',
      'httpbin.example.com/4_client/certs/httpbin.example.com.cert.pem',
      '--key',
      'httpbin.example.com/4_client/private/httpbin.example.com.key.pem',
    ];
    await curlUntil(
      'mTLS with the split CA',
      'httpbin.example.com',
      '/status/418',
      [...cacert, ...client],
      (x) => x.stdout.includes('-=[ teapot ]=-'),
    );
    const refused = await curl('httpbin.example.com', '/status/418', cacert);
    expect(refused.stdout).not.toContain('teapot');
  });

  it('6. troubleshooting: both Secrets listed, sds-server logs show both pushed', async () => {
    const secrets = await keyway('get secrets -n istio-system');
    expect(secrets.stdout).toMatch(/httpbin-credential\s/);
    expect(secrets.stdout).toMatch(/httpbin-credential-cacert\s/);
    const pod = (
      await keyway(`get pod -l istio=ingressgateway -n istio-system -o jsonpath={.items[0].metadata.name}`)
    ).stdout.trim();
    expect(pod).not.toBe('');
    const logs = (await keyway(`logs -n istio-system ${pod} -c ingress-sds`)).stdout;
    expect(logs).toMatch(/pushed kubernetes:\/\/httpbin-credential\b/);
    expect(logs).toMatch(/pushed kubernetes:\/\/httpbin-credential-cacert\b/);
    expect(logs).not.toMatch(/PRIVATE KEY-----/);
  });

  it('7. cleanup: deleting the Gateway, VirtualServices and Secrets stops serving those hosts', async () => {
    await keyway('delete gateway mygateway');
    await keyway('delete virtualservice httpbin helloworld-v1');
    await keyway(
      'delete --ignore-not-found=true -n istio-system secret httpbin-credential httpbin-credential-cacert helloworld-credential',
    );
    await curlUntil(
      'httpbin no longer served',
      'httpbin.example.com',
      '/status/418',
      ['--cacert', 'httpbin.example.com/2_intermediate/certs/ca-chain.cert.pem'],
      (x) => x.code !== 0,
    );
    await curlUntil(
      'helloworld no longer served',
      'helloworld-v1.example.com',
      '/hello',
      ['--cacert', 'helloworld-v1.example.com/2_intermediate/certs/ca-chain.cert.pem'],
      (x) => x.code !== 0,
    );
    expect(
      fs.existsSync(
        path.join(w.workDir, 'httpbin.example.com/3_application/private/httpbin.example.com.key.pem'),
      ),
    ).toBe(true);
  });

  it('every service did all of the above as its own NATS user: the server refused nothing (#13.7)', () => {
    expect(w.busViolations()).toEqual([]);
  });
});

/** Splits a command line on spaces, as a shell would for these lines (no quoting needed in them). */
function splitArgs(line: string): string[] {
  return line.split(' ').filter(Boolean);
}
