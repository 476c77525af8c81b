import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '#keyway/infra';
import { startHermeticSuite, type HermeticSuite } from '../hermetic-suite.js';
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
  const dns = await startDnsTestServer();
  const w = await startHermeticSuite(prefix, {
    serviceEnv: {
      api: {
        ACME_VALIDATION_HOSTS: '*.acme.test=127.0.0.1',
        ACME_HTTP01_PORT: String(http01Port),
        ACME_TLSALPN01_PORT: String(tlsAlpnPort),
        ACME_DNS_SERVER: `127.0.0.1:${dns.port}`,
        ACME_VALIDATION_TIMEOUT_MS: '5000',
        ...extraEnv.api,
      },
    },
  }).catch(async (e) => {
    await dns.stop();
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
        await dns.stop();
      },
    };
  } catch (e) {
    await w.stop();
    await dns.stop();
    throw e;
  }
}
