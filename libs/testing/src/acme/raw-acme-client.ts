import http from 'node:http';
import https from 'node:https';
import { jwkThumbprint } from '#keyway/acme';
import { signEab, signJws, testAccountKey, type TestAccountKey } from './jws-signer.js';

interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/**
 * One HTTP exchange on keep-alive sockets. Not fetch: undici costs about 0.35 ms more CPU per request
 * than node:http (measured), and the bench's client shares the cores with the server it measures.
 */
function exchange(
  url: string,
  method: 'GET' | 'HEAD' | 'POST',
  body?: string,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method,
        agent: agents[target.protocol as keyof typeof agents],
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('error', reject);
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) h.append(k, one);
          resolve({ status: res.statusCode ?? 0, headers: h, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends again, once, when the connection was reset before an answer: a keep-alive socket the server
 * closed just as it was reused (Node's keepAliveTimeout race), as HTTP clients do for such a socket.
 */
async function retryReset(send: () => Promise<HttpReply>): Promise<HttpReply> {
  try {
    return await send();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ECONNRESET' && code !== 'EPIPE') throw e;
    return send();
  }
}

/** Enough for the bench's orders in flight per account; older ones would go stale. */
const MAX_KEPT_NONCES = 256;

export interface AcmeReply {
  status: number;
  headers: Headers;
  /** Parsed JSON (a resource or a problem document), or the text of a certificate chain. */
  body: any;
  location?: string;
}

/**
 * An ACME client for tests and benchmarks that can also send what real clients never do (a stale
 * nonce, a JWS signed with another key, no EAB): one request per call, nonces taken from the last
 * answer (RFC 8555 §6.5), nothing retried.
 */
export class RawAcmeClient {
  directory: Record<string, string> = {};
  /** Nonces from answers not yet used: concurrent requests of one client each take one (RFC 8555 §7.2). */
  readonly #nonces: string[] = [];
  accountUrl: string | undefined;

  constructor(
    readonly directoryUrl: string,
    readonly key: TestAccountKey = testAccountKey(),
  ) {}

  get thumbprint(): string {
    return jwkThumbprint(this.key.jwk);
  }

  async start(): Promise<this> {
    const res = await retryReset(() => exchange(this.directoryUrl, 'GET'));
    this.directory = JSON.parse(res.text) as Record<string, string>;
    return this;
  }

  async nonce(): Promise<string> {
    const kept = this.#nonces.pop();
    if (kept) return kept;
    const res = await retryReset(() => exchange(this.directory.newNonce, 'HEAD'));
    return res.headers.get('replay-nonce')!;
  }

  /**
   * POSTs a JWS: signed by `options.signer` (default this key), naming `kid` (the account) unless
   * `jwk` is asked for; payload '' is POST-as-GET.
   */
  async post(
    url: string,
    payload: unknown,
    options: {
      jwk?: boolean;
      signer?: TestAccountKey;
      nonce?: string;
      header?: Record<string, unknown>;
    } = {},
  ): Promise<AcmeReply> {
    const signer = options.signer ?? this.key;
    const named = options.jwk || !this.accountUrl ? { jwk: signer.jwk } : { kid: this.accountUrl };
    const send = async () => {
      const header = { ...named, nonce: options.nonce ?? (await this.nonce()), url, ...options.header };
      return exchange(url, 'POST', JSON.stringify(signJws(signer, header, payload)), {
        'content-type': 'application/jose+json',
      });
    };
    const res = await retryReset(send);
    const next = res.headers.get('replay-nonce');
    if (next && this.#nonces.length < MAX_KEPT_NONCES) this.#nonces.push(next);
    const text = res.text;
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      headers: res.headers,
      body: type.includes('json') && text ? JSON.parse(text) : text,
      location: res.headers.get('location') ?? undefined,
    };
  }

  /** newAccount, bound to an EAB key when given. */
  async register(eab?: { kid: string; hmacKey: string }): Promise<AcmeReply> {
    const url = this.directory.newAccount;
    const payload: Record<string, unknown> = {
      termsOfServiceAgreed: true,
      contact: ['mailto:ops@example.com'],
    };
    if (eab)
      payload.externalAccountBinding = signEab(
        eab.kid,
        Buffer.from(eab.hmacKey, 'base64url'),
        url,
        this.key.jwk,
      );
    const r = await this.post(url, payload, { jwk: true });
    if (r.status === 201 || r.status === 200) this.accountUrl = r.location;
    return r;
  }

  keyAuthorization(token: string): string {
    return `${token}.${this.thumbprint}`;
  }
}
