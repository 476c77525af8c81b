import type { SecureVersion } from 'node:tls';
import type { FieldProblem } from './resource-error.js';

/** envoy.extensions.transport_sockets.tls.v3.TlsParameters as decoded. */
export interface TlsParametersMessage {
  tls_minimum_protocol_version?: string;
  tls_maximum_protocol_version?: string;
  cipher_suites?: string[];
  ecdh_curves?: string[];
  signature_algorithms?: string[];
}

export interface TlsLimits {
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /** OpenSSL cipher string, or undefined for Node's defaults. */
  ciphers?: string;
  ecdhCurve?: string;
  sigalgs?: string;
}

const VERSIONS: Record<string, SecureVersion | undefined> = {
  TLS_AUTO: undefined,
  TLSv1_0: 'TLSv1',
  TLSv1_1: 'TLSv1.1',
  TLSv1_2: 'TLSv1.2',
  TLSv1_3: 'TLSv1.3',
};
const ORDER: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** BoringSSL fixes the TLS 1.3 suites; keep them when a config lists only TLS 1.2 ciphers, as Envoy does. */
const TLS13_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';

/** Envoy's server-side defaults are TLS 1.2 to 1.3; the listed ciphers and curves pass through. */
export function tlsLimits(
  params: TlsParametersMessage | undefined,
  field: string,
  problems: FieldProblem[],
): TlsLimits {
  const min =
    version(params?.tls_minimum_protocol_version, `${field}.tls_minimum_protocol_version`, problems) ??
    'TLSv1.2';
  const max =
    version(params?.tls_maximum_protocol_version, `${field}.tls_maximum_protocol_version`, problems) ??
    'TLSv1.3';
  if (ORDER.indexOf(min) > ORDER.indexOf(max))
    problems.push({ field, message: `minimum ${min} is above maximum ${max}` });
  const limits: TlsLimits = { minVersion: min, maxVersion: max };
  if (params?.cipher_suites?.length) {
    // `[A|B]` is BoringSSL's equal-preference group; OpenSSL takes the members in order.
    const suites = params.cipher_suites.flatMap((s) => s.replace(/^\[|\]$/g, '').split('|')).filter(Boolean);
    const hasTls13 = suites.some((s) => s.startsWith('TLS_'));
    limits.ciphers = [...suites, ...(hasTls13 ? [] : [TLS13_SUITES])].join(':');
  }
  if (params?.ecdh_curves?.length) limits.ecdhCurve = params.ecdh_curves.join(':');
  if (params?.signature_algorithms?.length) limits.sigalgs = params.signature_algorithms.join(':');
  return limits;
}

function version(
  value: string | undefined,
  field: string,
  problems: FieldProblem[],
): SecureVersion | undefined {
  if (value === undefined) return undefined;
  if (!(value in VERSIONS)) {
    problems.push({ field, message: `unknown TLS version ${value}` });
    return undefined;
  }
  return VERSIONS[value];
}
