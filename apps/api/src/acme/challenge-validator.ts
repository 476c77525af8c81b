import { lookup } from 'node:dns/promises';
import { Resolver } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import {
  ACME_TLS_ALPN_PROTOCOL,
  AcmeError,
  MAX_HTTP01_BODY_BYTES,
  acmeError,
  checkDns01Records,
  checkHttp01Body,
  checkTlsAlpnCertificate,
  dns01RecordName,
  http01Path,
  validationAddressOf,
  type ChallengeType,
  type ValidationHost,
} from '#keyway/acme';

export interface ValidatorOptions {
  hosts: ValidationHost[];
  http01Port: number;
  tlsAlpn01Port: number;
  /** `host:port` of the DNS server for dns-01 and for names not in `hosts`; unset: the system's. */
  dnsServer?: { host: string; port: number };
  timeoutMs: number;
  maxRedirects: number;
}

/** What validation connects to: the configured or resolved address of a name. */
export interface Validator {
  validate(type: ChallengeType, domain: string, keyAuthorization: string): Promise<void>;
}

/**
 * Validates challenges from the api process (RFC 8555 §8.3, §8.4, RFC 8737): connects to the
 * address ACME_VALIDATION_HOSTS names (else DNS), bounded in time, bytes and redirects. Any failure
 * is thrown as the RFC's problem (connection, dns, tls, incorrectResponse).
 */
export class ChallengeValidator implements Validator {
  readonly #resolver?: Resolver;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  readonly #systemResolver: Resolver;

  constructor(private readonly o: ValidatorOptions) {
    this.#systemResolver = new Resolver({ timeout: Math.min(o.timeoutMs, 5000), tries: 2 });
    if (o.dnsServer) {
      this.#resolver = new Resolver({ timeout: Math.min(o.timeoutMs, 5000), tries: 2 });
      const { host, port } = o.dnsServer;
      this.#resolver.setServers([host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`]);
    }
  }

  close(): void {
    this.#agent.destroy();
  }

  /** One validation, lookups, connections and redirects included, within ACME_VALIDATION_TIMEOUT_MS. */
  async validate(type: ChallengeType, domain: string, keyAuthorization: string): Promise<void> {
    const deadline = Date.now() + this.o.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(acmeError('connection', `${type}: no answer from ${domain} within ${this.o.timeoutMs} ms`)),
        this.o.timeoutMs,
      );
    });
    const work =
      type === 'dns-01'
        ? this.#dns01(domain, keyAuthorization)
        : type === 'tls-alpn-01'
          ? this.#tlsAlpn01(domain, keyAuthorization, deadline)
          : this.#http01(domain, keyAuthorization, deadline);
    try {
      await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #address(name: string): Promise<string> {
    const configured = validationAddressOf(this.o.hosts, name);
    if (configured) return configured;
    try {
      if (this.#resolver) {
        const v4 = await this.#resolver.resolve4(name).catch(() => [] as string[]);
        if (v4.length > 0) return v4[0];
        const v6 = await this.#resolver.resolve6(name);
        if (v6.length > 0) return v6[0];
        throw new Error('no A or AAAA record');
      }
      return (await lookup(name)).address;
    } catch (e) {
      throw acmeError('dns', `cannot resolve ${name}: ${(e as Error).message}`);
    }
  }

  async #dns01(domain: string, keyAuthorization: string): Promise<void> {
    const name = dns01RecordName(domain);
    let records: string[][];
    try {
      records = await (this.#resolver ?? this.#systemResolver).resolveTxt(name);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENODATA' || code === 'ENOTFOUND') records = [];
      else throw acmeError('dns', `dns-01: TXT lookup of ${name} failed: ${code ?? (e as Error).message}`);
    }
    checkDns01Records(records, keyAuthorization);
  }

  async #http01(domain: string, keyAuthorization: string, deadline: number): Promise<void> {
    const token = keyAuthorization.split('.')[0];
    let url = new URL(`http://${domain}${http01Path(token)}`);
    for (let hop = 0; ; hop++) {
      const address = await this.#address(url.hostname);
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : this.o.http01Port;
      const answer = await this.#get(url, address, port, deadline);
      if (answer.status >= 300 && answer.status < 400 && answer.location) {
        if (hop >= this.o.maxRedirects)
          throw acmeError('connection', `http-01: more than ${this.o.maxRedirects} redirects`);
        const next = new URL(answer.location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:')
          throw acmeError('connection', `http-01: redirect to ${next.protocol} is not followed`);
        url = next;
        continue;
      }
      if (answer.status !== 200)
        throw acmeError('incorrectResponse', `http-01: ${url.hostname} answered HTTP ${answer.status}`);
      return checkHttp01Body(answer.body, keyAuthorization);
    }
  }

  #get(
    url: URL,
    address: string,
    port: number,
    deadline: number,
  ): Promise<{ status: number; location?: string; body: string }> {
    return new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const options = {
        host: address,
        port,
        path: url.pathname + url.search,
        method: 'GET',
        headers: { host: url.host, 'user-agent': 'keyway-acme-validation', accept: '*/*' },
        timeout: Math.max(1, deadline - Date.now()),
        servername: secure ? url.hostname : undefined,
        // RFC 8555 §8.3: a redirect to https is followed without checking its certificate.
        rejectUnauthorized: false,
        agent: secure ? undefined : this.#agent,
      };
      const req = (secure ? https : http).request(options, (res) => {
        let body = '';
        let size = 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          size += Buffer.byteLength(chunk);
          if (size > MAX_HTTP01_BODY_BYTES) {
            req.destroy();
            return reject(
              acmeError(
                'incorrectResponse',
                `http-01: the answer is longer than ${MAX_HTTP01_BODY_BYTES} bytes`,
              ),
            );
          }
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
        res.on('error', (e) => reject(acmeError('connection', `http-01: ${e.message}`)));
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (e) =>
        reject(
          e instanceof AcmeError
            ? e
            : acmeError('connection', `http-01: ${url.host} (${address}:${port}): ${e.message}`),
        ),
      );
      req.end();
    });
  }

  async #tlsAlpn01(domain: string, keyAuthorization: string, deadline: number): Promise<void> {
    const address = await this.#address(domain);
    const der = await new Promise<Buffer>((resolve, reject) => {
      const socket = tls.connect({
        host: address,
        port: this.o.tlsAlpn01Port,
        servername: domain,
        ALPNProtocols: [ACME_TLS_ALPN_PROTOCOL],
        rejectUnauthorized: false,
        timeout: Math.max(1, deadline - Date.now()),
      });
      socket.once('secureConnect', () => {
        const protocol = socket.alpnProtocol;
        const cert = socket.getPeerX509Certificate();
        socket.destroy();
        if (protocol !== ACME_TLS_ALPN_PROTOCOL)
          return reject(
            acmeError('tls', `tls-alpn-01: ${domain} did not negotiate ${ACME_TLS_ALPN_PROTOCOL}`),
          );
        if (!cert) return reject(acmeError('tls', `tls-alpn-01: ${domain} presented no certificate`));
        resolve(cert.raw);
      });
      socket.once('timeout', () => socket.destroy(new Error('timed out')));
      socket.once('error', (e) =>
        reject(acmeError('tls', `tls-alpn-01: ${domain} (${address}:${this.o.tlsAlpn01Port}): ${e.message}`)),
      );
    });
    checkTlsAlpnCertificate(der, domain, keyAuthorization);
  }
}
