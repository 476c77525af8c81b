import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '#keyway/infra';
import { startHermeticSuite, type HermeticSuite } from '../hermetic-suite.js';
import { OpensslTestCa } from '../openssl-test-ca.js';
import { startDnsTestServer, type DnsTestServer } from './dns-test-server.js';

/** The issuer the ACME e2e tests and the acme-orders bench use, and the domains of their two teams. */
export const ISSUER = 'acme-int';
export const WEB_DOMAIN = 'web.acme.test';
export const WILD_DOMAIN = 'wild.acme.test';

export interface AcmeSuite {
  w: HermeticSuite;
  dns: DnsTestServer;
  http01Port: number;
  tlsAlpnPort: number;
  directoryUrl: string;
  /** The same directory on the api's HTTPS port (RFC 8555 §6.1), its certificate from `httpsCaFile`. */
  httpsDirectoryUrl: string;
  /** The CA the api's HTTPS certificate chains to: what a client is told to trust. */
  httpsCaFile: string;
  /** Writes a new HTTPS certificate and key for the api (it re-reads them every second). */
  renewHttpsCertificate(): void;
  /** Root and intermediate PEMs: what `openssl verify -CAfile` trusts. */
  chainFile: string;
  api(p: string, init?: RequestInit): Promise<Response>;
  /** A new EAB key of `team` through the CLI, as an admin creates it. */
  eab(team: string): Promise<{ kid: string; hmacKey: string }>;
  /** The issuer's current CRL (the ca signs a new one on every revocation). */
  crlPem(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A hermetic suite whose api validates `*.acme.test` at 127.0.0.1 (ports picked here) and asks a
 * test DNS server for dns-01; a root and intermediate CA; team web (names under web.acme.test, no
 * wildcards) and team wild (wildcards allowed), each with an issuance policy for the intermediate.
 */
export async function startAcmeSuite(
  prefix: string,
  extraEnv: { api?: Record<string, string> } = {},
): Promise<AcmeSuite> {
  const http01Port = await freePort();
  const tlsAlpnPort = await freePort();
  const httpsPort = await freePort();
  const dns = await startDnsTestServer();
  // The api's own HTTPS certificate (not keyway's issuer: a client must be told to trust it).
  const tlsCa = new OpensslTestCa('acme-api-https');
  const httpsCertFile = path.join(tlsCa.dir, 'api-https.crt');
  const httpsKeyFile = path.join(tlsCa.dir, 'api-https.key');
  const renewHttpsCertificate = () => {
    const leaf = tlsCa.issue({ cn: '127.0.0.1', san: 'IP:127.0.0.1,DNS:localhost', usage: 'serverAuth' });
    fs.writeFileSync(httpsKeyFile, leaf.key);
    fs.writeFileSync(httpsCertFile, leaf.cert);
  };
  renewHttpsCertificate();
  const cleanUp = async () => {
    await dns.stop();
    tlsCa.remove();
  };
  const w = await startHermeticSuite(prefix, {
    serviceEnv: {
      api: {
        HTTPS_PORT: String(httpsPort),
        HTTPS_CERT_FILE: httpsCertFile,
        HTTPS_KEY_FILE: httpsKeyFile,
        HTTPS_RELOAD_SECONDS: '1',
        ACME_VALIDATION_HOSTS: '*.acme.test=127.0.0.1',
        ACME_HTTP01_PORT: String(http01Port),
        ACME_TLSALPN01_PORT: String(tlsAlpnPort),
        ACME_DNS_SERVER: `127.0.0.1:${dns.port}`,
        ACME_VALIDATION_TIMEOUT_MS: '5000',
        ...extraEnv.api,
      },
    },
  }).catch(async (e) => {
    await cleanUp();
    throw e;
  });
  const headers = { authorization: `Bearer ${w.suite.adminToken}`, 'content-type': 'application/json' };
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${w.suite.apiUrl}${p}`, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
  const must = async (p: string, init: RequestInit) => {
    const r = await api(p, init);
    if (r.status >= 300) throw new Error(`${init.method} ${p}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<Record<string, any>>;
  };
  try {
    for (const team of ['web', 'wild'])
      await must('/v1/teams', { method: 'POST', body: JSON.stringify({ name: team, namespaces: [team] }) });
    const root = await must('/v1/ca/authorities', {
      method: 'POST',
      body: JSON.stringify({ kind: 'root', name: 'acme-root', commonName: 'keyway ACME test root' }),
    });
    const int = await must('/v1/ca/authorities', {
      method: 'POST',
      body: JSON.stringify({
        kind: 'intermediate',
        name: ISSUER,
        parent: 'acme-root',
        commonName: 'keyway ACME test intermediate',
        ttl: '8760h',
      }),
    });
    const keyTypes = ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072'];
    await must('/v1/ca/policies/web/acme', {
      method: 'PUT',
      body: JSON.stringify({
        issuers: [ISSUER],
        allowedDomains: [WEB_DOMAIN, `**.${WEB_DOMAIN}`],
        maxTtl: '720h',
        keyTypes,
      }),
    });
    await must('/v1/ca/policies/wild/acme', {
      method: 'PUT',
      body: JSON.stringify({
        issuers: [ISSUER],
        allowedDomains: [WILD_DOMAIN, `*.${WILD_DOMAIN}`],
        allowWildcardNames: true,
        maxTtl: '720h',
        keyTypes,
      }),
    });
    const chainFile = path.join(w.workDir, 'acme-chain.pem');
    fs.writeFileSync(chainFile, `${int.certificatePem}${root.certificatePem}`);
    return {
      w,
      dns,
      http01Port,
      tlsAlpnPort,
      directoryUrl: `${w.suite.apiUrl}/acme/${ISSUER}/directory`,
      httpsDirectoryUrl: `https://127.0.0.1:${httpsPort}/acme/${ISSUER}/directory`,
      httpsCaFile: tlsCa.certFile,
      renewHttpsCertificate,
      chainFile,
      api,
      async eab(team) {
        const r = await w.keyway(['acme', 'eab', 'create', '--team', team]);
        const kid = /key id:\s+(\S+)/.exec(r.stdout)?.[1];
        const hmacKey = /hmac key:\s+(\S+)/.exec(r.stdout)?.[1];
        if (r.code !== 0 || !kid || !hmacKey)
          throw new Error(`keyway acme eab create: ${r.stdout}${r.stderr}`);
        return { kid, hmacKey };
      },
      async crlPem() {
        const r = await must(`/v1/ca/authorities/${ISSUER}/crl`, { method: 'GET' });
        return r.crlPem as string;
      },
      async stop() {
        await w.stop();
        await cleanUp();
      },
    };
  } catch (e) {
    await w.stop();
    await cleanUp();
    throw e;
  }
}
