/**
 * A renewal storm with the whole suite on this machine: 1,000 credentials in istio-system, held by
 * 100 SDS proxies (10 each, as a fleet of gateways serving many hosts would), all renewed at once
 * through the api (`POST /v1/apply`, two documents of 500 Secrets, sent together). Times, from just
 * before the applies are sent: the api's answers (every version recorded) and each proxy's receipt
 * of all 10 of its new certificates; the last receipt is the figure (target < 5 s). The same-run
 * baseline is the api's answer alone: what is left is the secret-watcher's publication, the
 * sds-server's fan-out and the proxies' reads.
 * Usage: renewal-storm.bench.js [credentials=1000] [proxies=100] [perProxy=10]
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { decodeMessage, TypeUrl } from '#keyway/envoy-api';
import { generateKeyPair, issueCertificate, Issuer } from '#keyway/pki';
// The bench drives the sds-server with the conformance tests' raw xDS client.
// eslint-disable-next-line no-restricted-imports
import { bearer, envoyNode, SdsClient } from '../apps/sds-server/src/testing/xds-test-client.js';
import { reportBench, round } from './lib/report.js';
import { startBenchSuite } from './lib/suite.js';

const CREDENTIALS = Number(process.argv[2] ?? 1000);
const PROXIES = Number(process.argv[3] ?? 100);
const PER_PROXY = Number(process.argv[4] ?? 10);
const NAMESPACE = 'istio-system';
const TARGET_MS = 5000;
const DAY = 86_400_000;
const APPLY_DOCUMENTS = 500; // the api's API_MAX_APPLY_DOCUMENTS default

interface Leaf {
  manifest: string;
  serial: string;
}

function makeLeaves(issuer: Issuer, round: number): Leaf[] {
  return Array.from({ length: CREDENTIALS }, (_, i) => {
    const name = `storm-${i}`;
    const host = `${name}.storm.example.com`;
    const leaf = issueCertificate({
      profile: 'server',
      issuer,
      subject: { commonName: host },
      sans: { dns: [host] },
      keyType: 'ecdsa-p256',
      notAfter: new Date(Date.now() + DAY),
    });
    const data = {
      'tls.crt': Buffer.from(leaf.pem).toString('base64'),
      'tls.key': Buffer.from(leaf.keyPair!.privateKeyPem.reveal()).toString('base64'),
    };
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name, namespace: NAMESPACE, annotations: { 'bench.keyway.dev/round': String(round) } },
      data,
    });
    return { manifest, serial: leaf.serialHex.replace(/^0+/, '').toLowerCase() };
  });
}

/** Applies every leaf through the api, APPLY_DOCUMENTS per request, all requests at once. */
async function applyAll(apiUrl: string, token: string, leaves: Leaf[]): Promise<number[]> {
  const requests: Promise<number>[] = [];
  for (let i = 0; i < leaves.length; i += APPLY_DOCUMENTS) {
    const body = leaves
      .slice(i, i + APPLY_DOCUMENTS)
      .map((l) => l.manifest)
      .join('\n---\n');
    const t0 = performance.now();
    requests.push(
      fetch(`${apiUrl}/v1/apply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
        body,
      }).then(async (r) => {
        const text = await r.text();
        if (r.status !== 200) throw new Error(`apply: ${r.status} ${text.slice(0, 300)}`);
        return performance.now() - t0;
      }),
    );
  }
  return Promise.all(requests);
}

const serialOf = (pem: string): string =>
  new X509Certificate(pem).serialNumber.toLowerCase().replace(/^0+/, '');

/** One SDS stream holding PER_PROXY credentials; remembers the serial it last got for each. */
class Proxy {
  readonly serials = new Map<string, string>();
  #onChange: (() => void) | undefined;
  readonly #call: grpc.ClientDuplexStream<object, any>;

  constructor(
    client: grpc.Client,
    readonly index: number,
    readonly names: string[],
    token: string,
  ) {
    const call = (client as any).StreamSecrets(bearer(token)) as grpc.ClientDuplexStream<object, any>;
    this.#call = call;
    const node = envoyNode(NAMESPACE, `storm-proxy-${index}`);
    const resourceNames = names.map((n) => `kubernetes://${n}`);
    call.on('data', (response: any) => {
      for (const any of response.resources ?? []) {
        const secret = decodeMessage(TypeUrl.Secret, any.value) as any;
        const chain = secret.tls_certificate?.certificate_chain?.inline_bytes;
        if (chain)
          this.serials.set(
            String(secret.name).replace(/^kubernetes:\/\//, ''),
            serialOf(Buffer.from(String(chain), 'base64').toString('utf8')),
          );
      }
      // ACK, as Envoy does.
      call.write({
        node,
        type_url: TypeUrl.Secret,
        resource_names: resourceNames,
        version_info: response.version_info,
        response_nonce: response.nonce,
      });
      this.#onChange?.();
    });
    call.on('error', () => undefined);
    call.write({ node, type_url: TypeUrl.Secret, resource_names: resourceNames });
  }

  /** Resolves with the time at which every held credential has its expected serial. */
  until(expected: (name: string) => string, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.names.every((n) => this.serials.get(n) === expected(n))) {
          clearTimeout(timer);
          this.#onChange = undefined;
          resolve(performance.now());
        }
      };
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `proxy ${this.index}: ${this.names.filter((n) => this.serials.get(n) === expected(n)).length}/${this.names.length} credentials current after ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      this.#onChange = check;
      check();
    });
  }

  close(): void {
    this.#call.cancel();
  }
}

async function main(): Promise<void> {
  const b = await startBenchSuite();
  const proxies: Proxy[] = [];
  const clients: grpc.Client[] = [];
  try {
    const { apiUrl, adminToken, ports } = b.suite;
    const gatewayToken = fs.readFileSync(path.join(path.dirname(b.workDir), 'gateway-token'), 'utf8').trim();
    const caKeys = generateKeyPair('ecdsa-p256');
    const root = issueCertificate({
      profile: 'root-ca',
      subject: { commonName: 'renewal storm root' },
      keyPair: caKeys,
      notAfter: new Date(Date.now() + DAY),
    });
    const issuer = Issuer.from({ certificate: root.pem, privateKey: caKeys.privateKeyPem });
    const first = makeLeaves(issuer, 1);
    const renewed = makeLeaves(issuer, 2);
    const nameOf = (i: number) => `storm-${i}`;
    const index = (name: string) => Number(name.slice('storm-'.length));

    await applyAll(apiUrl, adminToken, first);
    // Ten proxies per HTTP/2 connection, as a fleet spread over sds-server replicas would not be,
    // but one connection per proxy would measure the client library more than keyway.
    const Client = SdsClient();
    for (let c = 0; c < Math.ceil(PROXIES / 10); c++)
      clients.push(new Client(`127.0.0.1:${ports.sdsGrpc}`, grpc.credentials.createInsecure()));
    for (let p = 0; p < PROXIES; p++) {
      const names = Array.from({ length: PER_PROXY }, (_, j) => nameOf((p * PER_PROXY + j) % CREDENTIALS));
      proxies.push(new Proxy(clients[p % clients.length], p, names, gatewayToken));
    }
    await Promise.all(proxies.map((p) => p.until((n) => first[index(n)].serial, 60_000)));

    const t0 = performance.now();
    const received = Promise.all(proxies.map((p) => p.until((n) => renewed[index(n)].serial, 60_000)));
    const applyMs = await applyAll(apiUrl, adminToken, renewed);
    const answered = performance.now() - t0;
    const receipts = (await received).map((t) => t - t0).sort((a, b) => a - b);
    const last = receipts[receipts.length - 1];
    const median = receipts[Math.floor(receipts.length / 2)];
    reportBench({
      name: 'renewal-storm',
      figures: {
        credentials: CREDENTIALS,
        proxies: PROXIES,
        perProxy: PER_PROXY,
        lastReceiptMs: round(last),
        medianReceiptMs: round(median),
        apiAnsweredMs: round(answered),
        applyRequestMs: applyMs.map(round),
        recordedAppliesPerSecond: round(CREDENTIALS / (answered / 1000)),
        targetLastReceiptMs: TARGET_MS,
      },
      summary: `${CREDENTIALS} credentials renewed at once through the api, held by ${PROXIES} proxies x ${PER_PROXY}: last proxy current after ${round(last)} ms (median ${round(median)} ms; target < ${TARGET_MS} ms: ${last < TARGET_MS ? 'met' : 'not met'}); baseline, the api's answers (every version recorded): ${round(answered)} ms = ${round(CREDENTIALS / (answered / 1000))} applies/s`,
    });
  } finally {
    for (const p of proxies) p.close();
    for (const c of clients) c.close();
    await b.stop();
  }
}

await main();
