import { Findings } from './codes.js';
import { finding, type Finding } from './finding.js';

/** One Gateway server that serves a credential: where the credential is looked up, and for which hosts. */
export interface CredentialUse {
  /** `Gateway/<namespace>/<name>`. */
  gateway: string;
  /** The server's index in `spec.servers`. */
  server: number;
  /** The namespace the credential is looked up in: the proxies' (as Istio does). */
  namespace: string;
  credentialName: string;
  /** The server's hosts, without their `namespace/` part. */
  hosts: string[];
}

/**
 * Whether a certificate's DNS name covers a Gateway host, as a TLS client checks it (RFC 6125 6.4): an
 * exact match, or a `*` that is the whole leftmost label standing for exactly one label. A wildcard
 * host is covered only by the same wildcard (a client may ask for any name under it).
 */
export function certificateCovers(dnsName: string, host: string): boolean {
  const name = dnsName.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (name === h) return true;
  if (!name.startsWith('*.') || h.startsWith('*')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === name.slice(1);
}

/**
 * KW0108 for every host of a server whose credential's certificate does not name it: clients that
 * check the name (all browsers, curl) refuse the handshake. A warning, not an error: the server is
 * still served (a client may pin the certificate, or not check names). Host `*` is any name, so no
 * certificate can be judged against it; credentials with no known names are skipped.
 */
export function coverageFindings(
  uses: readonly CredentialUse[],
  hostsOf: (namespace: string, name: string) => readonly string[] | undefined,
): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const use of uses) {
    const names = hostsOf(use.namespace, use.credentialName);
    if (!names || names.length === 0) continue;
    for (const host of use.hosts) {
      if (host === '*' || names.some((n) => certificateCovers(n, host))) continue;
      const key = `${use.gateway}|${use.server}|${host}|${use.namespace}/${use.credentialName}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(
        finding(
          Findings.certificateDoesNotCoverHost,
          use.gateway,
          `host ${JSON.stringify(host)} is not among the names of the certificate in credential ${use.namespace}/${use.credentialName}: clients that check the name will refuse the handshake`,
          `spec.servers[${use.server}].hosts`,
        ),
      );
    }
  }
  return out;
}
