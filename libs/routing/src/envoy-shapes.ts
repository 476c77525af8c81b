/**
 * The subset of Envoy's route types this library reads, as `decodeMessage` from `#keyway/envoy-api`
 * returns them: snake_case fields, enums as names, 64-bit integers as strings, defaults omitted.
 */

export interface Duration {
  seconds?: string | number;
  nanos?: number;
}

export interface UInt32Value {
  value?: number;
}

export interface RegexMatcher {
  regex?: string;
  google_re2?: unknown;
}

export interface StringMatcher {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  safe_regex?: RegexMatcher;
  ignore_case?: boolean;
}

export interface HeaderMatcher {
  name?: string;
  exact_match?: string;
  safe_regex_match?: RegexMatcher;
  range_match?: { start?: string | number; end?: string | number };
  present_match?: boolean;
  prefix_match?: string;
  suffix_match?: string;
  contains_match?: string;
  string_match?: StringMatcher;
  invert_match?: boolean;
  treat_missing_header_as_empty?: boolean;
}

export interface QueryParameterMatcher {
  name?: string;
  string_match?: StringMatcher;
  present_match?: boolean;
}

export interface RouteMatch {
  prefix?: string;
  path?: string;
  safe_regex?: RegexMatcher;
  path_separated_prefix?: string;
  connect_matcher?: unknown;
  path_match_policy?: unknown;
  case_sensitive?: { value?: boolean };
  headers?: HeaderMatcher[];
  query_parameters?: QueryParameterMatcher[];
  grpc?: unknown;
  runtime_fraction?: unknown;
  tls_context?: unknown;
  dynamic_metadata?: unknown[];
}

export interface RetryPolicy {
  retry_on?: string;
  num_retries?: UInt32Value;
  per_try_timeout?: Duration;
  retriable_status_codes?: number[];
  retry_back_off?: { base_interval?: Duration; max_interval?: Duration };
}

export interface WeightedCluster {
  name?: string;
  cluster_header?: string;
  weight?: UInt32Value;
}

export interface RegexMatchAndSubstitute {
  pattern?: RegexMatcher;
  substitution?: string;
}

export interface RouteAction {
  cluster?: string;
  cluster_header?: string;
  weighted_clusters?: { clusters?: WeightedCluster[]; total_weight?: UInt32Value };
  cluster_specifier_plugin?: string;
  prefix_rewrite?: string;
  regex_rewrite?: RegexMatchAndSubstitute;
  host_rewrite_literal?: string;
  auto_host_rewrite?: { value?: boolean };
  timeout?: Duration;
  idle_timeout?: Duration;
  retry_policy?: RetryPolicy;
}

export interface RedirectAction {
  https_redirect?: boolean;
  scheme_redirect?: string;
  host_redirect?: string;
  port_redirect?: number;
  path_redirect?: string;
  prefix_rewrite?: string;
  regex_rewrite?: RegexMatchAndSubstitute;
  response_code?: string;
  strip_query?: boolean;
}

export interface DataSource {
  inline_string?: string;
  inline_bytes?: string;
  filename?: string;
  environment_variable?: string;
}

export interface DirectResponseAction {
  status?: number;
  body?: DataSource;
}

export interface Route {
  name?: string;
  match?: RouteMatch;
  route?: RouteAction;
  redirect?: RedirectAction;
  direct_response?: DirectResponseAction;
  filter_action?: unknown;
  non_forwarding_action?: unknown;
}

export interface VirtualHost {
  name?: string;
  domains?: string[];
  routes?: Route[];
  require_tls?: string;
  retry_policy?: RetryPolicy;
}

export interface RouteConfiguration {
  name?: string;
  virtual_hosts?: VirtualHost[];
  ignore_port_in_host_matching?: boolean;
}
