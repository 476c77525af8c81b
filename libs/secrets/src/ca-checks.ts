import { parseCrl, verifyCrlSignedBy, type ParsedCrl } from '#keyway/pki';
import { fail, parseCertificates, warn, type CheckContext } from './certificate-checks.js';
import type { ResolvedOptions } from './options.js';
import { readPemBlocks } from './pem.js';
import type { SecretCertificate } from './secret-certificate.js';

/** The trusted CA bundle: every block a parseable certificate, within the count limit. */
export function checkCaBundle(
  ctx: CheckContext,
  field: string,
  text: string,
  options: ResolvedOptions,
): SecretCertificate[] | undefined {
  const cas = parseCertificates(ctx, field, text, 'CA bundle');
  if (!cas) return undefined;
  if (cas.length > options.maxCaCertificates) {
    fail(
      ctx,
      field,
      'too-large',
      `CA bundle has ${cas.length} certificates, over the limit of ${options.maxCaCertificates}`,
    );
    return undefined;
  }
  return cas;
}

/**
 * The CRL: one PEM `X509 CRL` that parses and is signed by a CA of the bundle (Envoy would otherwise
 * refuse every client at handshake time). A CRL past its nextUpdate is served, with a warning.
 */
export function checkCrl(
  ctx: CheckContext,
  field: string,
  text: string,
  cas: readonly SecretCertificate[],
  caField: string,
  options: ResolvedOptions,
): ParsedCrl | undefined {
  const pem = readPemBlocks(text);
  if (!pem.ok) {
    fail(ctx, field, 'crl-invalid', `CRL is not valid PEM: ${pem.reason}`);
    return undefined;
  }
  const other = pem.blocks.find((b) => b.label !== 'X509 CRL');
  if (other) {
    fail(ctx, field, 'crl-invalid', `CRL: PEM block is ${other.label}, expected X509 CRL`);
    return undefined;
  }
  const parsed: ParsedCrl[] = [];
  for (const [i, block] of pem.blocks.entries()) {
    let crl: ParsedCrl;
    try {
      crl = parseCrl(block.der);
    } catch (err) {
      fail(ctx, field, 'crl-invalid', `CRL[${i}] does not parse (${(err as Error).message})`);
      return undefined;
    }
    const signer = cas.find((ca) => {
      try {
        return verifyCrlSignedBy(crl, ca.publicKey);
      } catch {
        return false;
      }
    });
    if (!signer) {
      fail(
        ctx,
        field,
        'crl-signer',
        `CRL[${i}] (issuer ${crl.issuer}) is not signed by any CA in ${caField}`,
      );
      return undefined;
    }
    if (crl.nextUpdate && crl.nextUpdate < options.now) {
      warn(
        ctx,
        field,
        'crl-expired',
        `CRL[${i}] (issuer ${crl.issuer}) is past its nextUpdate ${crl.nextUpdate.toISOString()}`,
      );
    }
    parsed.push(crl);
  }
  return parsed[0];
}
