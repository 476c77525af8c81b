import { PrivateKeyPem } from '#keyway/key-material';
import type { StringMatcher } from '#keyway/routing';
import { dataSourceText, type DataSource } from './data-source.js';
import type { FieldProblem } from './resource-error.js';
import { tlsLimits, type TlsLimits, type TlsParametersMessage } from './tls-params.js';

export type ClientCertificateMode = 'none' | 'optional' | 'required';

/** Subject alternative name matcher of a validation context (`match_typed_subject_alt_names`). */
export interface SanMatcher {
  /** undefined: any SAN type (the legacy match_subject_alt_names). */
  type?: 'DNS' | 'URI' | 'EMAIL' | 'IP Address';
  matcher: StringMatcher;
}

/** What a filter chain needs to terminate TLS, with secrets referenced by SDS name or given inline. */
export interface ChainTls {
  certificateSecrets: string[];
  /** Inline certificates (tls_certificates). */
  inlineCertificates: Array<{ certificateChain: string; privateKey: PrivateKeyPem }>;
  validationSecret?: string;
  inlineTrustedCa?: string;
  inlineCrl?: string;
  sanMatchers: SanMatcher[];
  clientCertificates: ClientCertificateMode;
  alpn: string[];
  limits: TlsLimits;
}

interface SdsConfig {
  name?: string;
}

interface ValidationContextMessage {
  trusted_ca?: DataSource;
  crl?: DataSource;
  match_subject_alt_names?: StringMatcher[];
  match_typed_subject_alt_names?: Array<{ san_type?: string; matcher?: StringMatcher }>;
  only_verify_leaf_cert_crl?: boolean;
  trust_chain_verification?: string;
  [field: string]: unknown;
}

interface DownstreamTlsContextMessage {
  common_tls_context?: {
    tls_params?: TlsParametersMessage;
    tls_certificates?: Array<{ certificate_chain?: DataSource; private_key?: DataSource }>;
    tls_certificate_sds_secret_configs?: SdsConfig[];
    validation_context?: ValidationContextMessage;
    validation_context_sds_secret_config?: SdsConfig;
    combined_validation_context?: {
      default_validation_context?: ValidationContextMessage;
      validation_context_sds_secret_config?: SdsConfig;
    };
    alpn_protocols?: string[];
  };
  require_client_certificate?: { value?: boolean };
  require_sni?: { value?: boolean };
  ocsp_staple_policy?: string;
}

const SAN_TYPES: Record<string, SanMatcher['type']> = {
  DNS: 'DNS',
  URI: 'URI',
  EMAIL: 'EMAIL',
  IP_ADDRESS: 'IP Address',
};

/**
 * Reads a DownstreamTlsContext (Istio: SIMPLE has no validation context; MUTUAL a combined one with
 * require_client_certificate; OPTIONAL_MUTUAL the same without it).
 */
export function parseDownstreamTls(
  message: Record<string, unknown>,
  field: string,
  problems: FieldProblem[],
): ChainTls {
  const m = message as DownstreamTlsContextMessage;
  const common = m.common_tls_context ?? {};
  const ctx = `${field}.common_tls_context`;
  const certificateSecrets = (common.tls_certificate_sds_secret_configs ?? []).map((c, i) => {
    if (!c.name)
      problems.push({
        field: `${ctx}.tls_certificate_sds_secret_configs[${i}].name`,
        message: 'is required',
      });
    return c.name ?? '';
  });
  const inlineCertificates = (common.tls_certificates ?? []).map((c, i) => ({
    certificateChain:
      dataSourceText(c.certificate_chain, `${ctx}.tls_certificates[${i}].certificate_chain`, problems) ?? '',
    privateKey: new PrivateKeyPem(
      dataSourceText(c.private_key, `${ctx}.tls_certificates[${i}].private_key`, problems) ?? '',
    ),
  }));
  if (certificateSecrets.length + inlineCertificates.length === 0)
    problems.push({
      field: ctx,
      message: 'a server certificate (tls_certificates or tls_certificate_sds_secret_configs) is required',
    });

  let validation: ValidationContextMessage | undefined;
  let validationSecret: string | undefined;
  if (common.combined_validation_context) {
    validation = common.combined_validation_context.default_validation_context;
    validationSecret = common.combined_validation_context.validation_context_sds_secret_config?.name;
  } else if (common.validation_context_sds_secret_config) {
    validationSecret = common.validation_context_sds_secret_config.name;
  } else {
    validation = common.validation_context;
  }
  const vfield = `${ctx}.${common.combined_validation_context ? 'combined_validation_context.default_validation_context' : 'validation_context'}`;
  const inlineTrustedCa = dataSourceText(validation?.trusted_ca, `${vfield}.trusted_ca`, problems);
  const inlineCrl = dataSourceText(validation?.crl, `${vfield}.crl`, problems);
  if (validation?.trust_chain_verification === 'ACCEPT_UNTRUSTED')
    problems.push({
      field: `${vfield}.trust_chain_verification`,
      message: 'ACCEPT_UNTRUSTED is not supported',
    });
  const sanMatchers: SanMatcher[] = [
    ...(validation?.match_subject_alt_names ?? []).map((matcher) => ({ matcher })),
    ...(validation?.match_typed_subject_alt_names ?? []).map((t, i) => {
      const type = SAN_TYPES[t.san_type ?? ''];
      if (!type)
        problems.push({
          field: `${vfield}.match_typed_subject_alt_names[${i}].san_type`,
          message: `unsupported SAN type ${t.san_type}`,
        });
      return { type, matcher: t.matcher ?? {} };
    }),
  ];
  const hasTrust = Boolean(validationSecret || inlineTrustedCa);
  const required = m.require_client_certificate?.value === true;
  if (required && !hasTrust)
    problems.push({
      field: `${field}.require_client_certificate`,
      message: 'requires a validation context with trusted_ca',
    });
  if (m.ocsp_staple_policy === 'MUST_STAPLE' || m.ocsp_staple_policy === 'STRICT_STAPLING')
    problems.push({ field: `${field}.ocsp_staple_policy`, message: 'OCSP stapling is not supported' });
  return {
    certificateSecrets,
    inlineCertificates,
    validationSecret,
    inlineTrustedCa,
    inlineCrl,
    sanMatchers,
    clientCertificates: required ? 'required' : hasTrust ? 'optional' : 'none',
    alpn: [...(common.alpn_protocols ?? [])],
    limits: tlsLimits(common.tls_params, `${ctx}.tls_params`, problems),
  };
}
