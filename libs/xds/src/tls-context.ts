import { envoyEnum, Enums } from './envoy-enum.js';
import { encodedMessage, ExtensionTypeUrl, type EncodedMessage } from '#keyway/envoy-api';
import { oncePer } from './encoded-once.js';
import type { IrTls } from '#keyway/ir';
import { adsConfigSource, sdsSecretName } from './names.js';

const VERSION_NAMES: Record<string, string> = {
  TLS_AUTO: 'TLS_AUTO',
  TLSV1_0: 'TLSv1_0',
  TLSV1_1: 'TLSv1_1',
  TLSV1_2: 'TLSv1_2',
  TLSV1_3: 'TLSv1_3',
};

/** As istiod does for gateways: TLS 1.2 minimum unless the server says otherwise. */
const DEFAULT_MIN_VERSION = 'TLSv1_2';

function sanMatcher(san: string): Record<string, unknown> {
  const sanType = san.includes('://')
    ? 'URI'
    : /^[0-9.]+$|:/.test(san)
      ? 'IP_ADDRESS'
      : san.includes('@')
        ? 'EMAIL'
        : 'DNS';
  return { san_type: envoyEnum(Enums.sanType, sanType), matcher: { exact: san } };
}

/** DownstreamTlsContext of one HTTPS server: certificate (and CA for mutual modes) by SDS over ADS. */
const ALPN = ['h2', 'http/1.1'];
/** TLS parameters with only a minimum version, per version: what nearly every server has. */
const minimumOnly = oncePer((minimum: string) =>
  encodedMessage('envoy.extensions.transport_sockets.tls.v3.TlsParameters', {
    tls_minimum_protocol_version: envoyEnum(Enums.tlsProtocol, minimum),
  }),
);

function tlsParameters(tls: IrTls): Record<string, unknown> | EncodedMessage {
  const minimum = VERSION_NAMES[tls.minProtocolVersion ?? ''] ?? DEFAULT_MIN_VERSION;
  if (!tls.maxProtocolVersion && tls.cipherSuites.length === 0) return minimumOnly(minimum);
  const tlsParams: Record<string, unknown> = {
    tls_minimum_protocol_version: envoyEnum(Enums.tlsProtocol, minimum),
  };
  if (tls.maxProtocolVersion)
    tlsParams.tls_maximum_protocol_version = envoyEnum(
      Enums.tlsProtocol,
      VERSION_NAMES[tls.maxProtocolVersion],
    );
  if (tls.cipherSuites.length > 0) tlsParams.cipher_suites = tls.cipherSuites;
  return tlsParams;
}

export function downstreamTlsContext(tls: IrTls): Record<string, unknown> {
  const common: Record<string, unknown> = {
    tls_params: tlsParameters(tls),
    alpn_protocols: ALPN,
    tls_certificate_sds_secret_configs: [
      { name: sdsSecretName(tls.credentialName), sds_config: adsConfigSource() },
    ],
  };
  const context: Record<string, unknown> = {
    '@type': ExtensionTypeUrl.DownstreamTlsContext,
    common_tls_context: common,
  };
  if (tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL') {
    const defaults: Record<string, unknown> = {};
    if (tls.subjectAltNames.length > 0)
      defaults.match_typed_subject_alt_names = tls.subjectAltNames.map(sanMatcher);
    if (tls.verifyCertificateSpki.length > 0) defaults.verify_certificate_spki = tls.verifyCertificateSpki;
    if (tls.verifyCertificateHash.length > 0) defaults.verify_certificate_hash = tls.verifyCertificateHash;
    common.combined_validation_context = {
      default_validation_context: defaults,
      validation_context_sds_secret_config: {
        name: sdsSecretName(tls.caCredentialName ?? `${tls.credentialName}-cacert`),
        sds_config: adsConfigSource(),
      },
    };
    context.require_client_certificate = { value: tls.mode === 'MUTUAL' };
  }
  return context;
}
