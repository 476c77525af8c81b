import { encodePem, parseCsr } from '#keyway/pki';
import { acmeError, type AcmeIdentifier } from './problem.js';

/** A CSR is a few hundred bytes to a few KB; this bounds what is parsed. */
export const MAX_CSR_BYTES = 16 * 1024;

/**
 * RFC 8555 §7.4: the finalize CSR (base64url DER) must be signed by its own key and name exactly the
 * order's identifiers (as DNS SANs; a common name, if any, one of them), nothing else. Policy (key
 * type, TTL) is then the ca's check, as for `/v1/ca/sign`. Answers the CSR as PEM for the ca.
 */
export function checkFinalizeCsr(csrField: unknown, identifiers: readonly AcmeIdentifier[]): string {
  if (typeof csrField !== 'string' || !/^[A-Za-z0-9_-]+$/.test(csrField))
    throw acmeError('malformed', 'csr: a base64url DER certification request is required');
  if (csrField.length > (MAX_CSR_BYTES * 4) / 3 + 4)
    throw acmeError('badCSR', `csr: larger than ${MAX_CSR_BYTES} bytes`);
  const der = Buffer.from(csrField, 'base64url');
  let csr;
  try {
    csr = parseCsr(der);
  } catch (e) {
    throw acmeError('badCSR', `csr: does not parse: ${(e as Error).message}`);
  }
  if (!csr.signatureValid)
    throw acmeError('badCSR', 'csr: the signature does not verify with its public key');
  if (csr.sans.ip.length + csr.sans.uri.length + csr.sans.email.length > 0)
    throw acmeError('badCSR', 'csr: only DNS names may be requested');
  const want = new Set(identifiers.map((i) => i.value));
  const got = new Set(csr.sans.dns.map((d) => d.toLowerCase().replace(/\.$/, '')));
  const cn = csr.subjectName.commonName?.toLowerCase();
  if (cn !== undefined && cn !== '' && !want.has(cn))
    throw acmeError(
      'badCSR',
      `csr: the common name ${JSON.stringify(cn.slice(0, 80))} is not one of the order's identifiers`,
    );
  if (cn) got.add(cn);
  const missing = [...want].filter((n) => !got.has(n));
  const extra = [...got].filter((n) => !want.has(n));
  if (missing.length > 0 || extra.length > 0)
    throw acmeError(
      'badCSR',
      `csr: must name exactly the order's identifiers` +
        (missing.length > 0 ? `; missing ${missing.slice(0, 10).join(', ')}` : '') +
        (extra.length > 0 ? `; not in the order ${extra.slice(0, 10).join(', ')}` : ''),
    );
  return encodePem('CERTIFICATE REQUEST', der);
}
