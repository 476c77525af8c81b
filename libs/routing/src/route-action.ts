import { durationMs } from './duration.js';
import type {
  DirectResponseAction,
  RedirectAction,
  RegexMatchAndSubstitute,
  Route,
  RouteAction,
} from './envoy-shapes.js';
import type { FieldProblem } from './field-error.js';
import { compileGlobal, isRoutingError, re2Substitution } from './regex.js';
import { retryDescriptor, type RetryDescriptor } from './retry-policy.js';
import type { PathRewrite } from './rewrite.js';
import { redirectStatus } from './redirect.js';
import type { ClusterWeight } from './weighted-clusters.js';

/** Envoy's default upstream timeout when a route sets none. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

export type CompiledAction =
  | {
      kind: 'forward';
      cluster?: string;
      clusterHeader?: string;
      weighted?: ClusterWeight[];
      rewrite?: PathRewrite;
      hostRewrite?: string;
      autoHostRewrite: boolean;
      /** undefined: no timeout (Envoy's `0s`). */
      timeoutMs?: number;
      idleTimeoutMs?: number;
      retry?: RetryDescriptor;
    }
  | { kind: 'redirect'; action: RedirectAction; status: number; rewrite?: PathRewrite }
  | { kind: 'direct'; status: number; body?: Buffer };

export function compileAction(
  route: Route,
  field: string,
  fallbackRetry?: RetryDescriptor,
): CompiledAction | FieldProblem[] {
  const present = (
    ['route', 'redirect', 'direct_response', 'filter_action', 'non_forwarding_action'] as const
  ).filter((k) => route[k] !== undefined);
  if (present.length !== 1)
    return [
      {
        field,
        message: `exactly one of route, redirect, direct_response is required, found ${present.join(', ') || 'none'}`,
      },
    ];
  if (route.route) return compileForward(route.route, `${field}.route`, fallbackRetry);
  if (route.redirect) return compileRedirect(route.redirect, `${field}.redirect`);
  if (route.direct_response) return compileDirect(route.direct_response, `${field}.direct_response`);
  return [{ field: `${field}.${present[0]}`, message: 'not supported by keyway gateway' }];
}

function compileForward(
  a: RouteAction,
  field: string,
  fallbackRetry?: RetryDescriptor,
): CompiledAction | FieldProblem[] {
  const errors: FieldProblem[] = [];
  const specifiers = (
    ['cluster', 'cluster_header', 'weighted_clusters', 'cluster_specifier_plugin'] as const
  ).filter((k) => a[k] !== undefined);
  if (specifiers.length !== 1)
    errors.push({ field, message: 'exactly one of cluster, cluster_header, weighted_clusters is required' });
  if (a.cluster_specifier_plugin !== undefined)
    errors.push({ field: `${field}.cluster_specifier_plugin`, message: 'not supported by keyway gateway' });
  if (a.cluster !== undefined && a.cluster === '')
    errors.push({ field: `${field}.cluster`, message: 'must not be empty' });
  let weighted: ClusterWeight[] | undefined;
  if (a.weighted_clusters) {
    weighted = [];
    (a.weighted_clusters.clusters ?? []).forEach((c, i) => {
      if (!c.name)
        errors.push({ field: `${field}.weighted_clusters.clusters[${i}].name`, message: 'is required' });
      else weighted!.push({ name: c.name, weight: c.weight?.value ?? 0 });
    });
    if (weighted.reduce((s, c) => s + c.weight, 0) <= 0)
      errors.push({ field: `${field}.weighted_clusters`, message: 'total weight must be positive' });
  }
  const rewrite = compileRewrite(a.prefix_rewrite, a.regex_rewrite, field, errors);
  if (errors.length > 0) return errors;
  const timeout = durationMs(a.timeout);
  return {
    kind: 'forward',
    cluster: a.cluster,
    clusterHeader: a.cluster_header?.toLowerCase(),
    weighted,
    rewrite,
    hostRewrite: a.host_rewrite_literal || undefined,
    autoHostRewrite: a.auto_host_rewrite?.value === true,
    timeoutMs: timeout === undefined ? DEFAULT_ROUTE_TIMEOUT_MS : timeout > 0 ? timeout : undefined,
    idleTimeoutMs: durationMs(a.idle_timeout) || undefined,
    retry: retryDescriptor(a.retry_policy) ?? fallbackRetry,
  };
}

function compileRedirect(r: RedirectAction, field: string): CompiledAction | FieldProblem[] {
  const errors: FieldProblem[] = [];
  if (r.path_redirect !== undefined && (r.prefix_rewrite !== undefined || r.regex_rewrite !== undefined)) {
    errors.push({ field, message: 'path_redirect excludes prefix_rewrite and regex_rewrite' });
  }
  if (r.https_redirect && r.scheme_redirect)
    errors.push({ field, message: 'https_redirect excludes scheme_redirect' });
  const rewrite = compileRewrite(r.prefix_rewrite, r.regex_rewrite, field, errors);
  if (errors.length > 0) return errors;
  return { kind: 'redirect', action: r, status: redirectStatus(r.response_code), rewrite };
}

function compileDirect(d: DirectResponseAction, field: string): CompiledAction | FieldProblem[] {
  const status = d.status ?? 0;
  if (status < 200 || status >= 600) return [{ field: `${field}.status`, message: 'must be in [200, 600)' }];
  const body = d.body;
  if (body && (body.filename !== undefined || body.environment_variable !== undefined)) {
    return [{ field: `${field}.body`, message: 'only inline_string and inline_bytes are supported' }];
  }
  const bytes =
    body?.inline_string !== undefined
      ? Buffer.from(body.inline_string, 'utf8')
      : body?.inline_bytes !== undefined
        ? Buffer.from(body.inline_bytes, 'base64')
        : undefined;
  return { kind: 'direct', status, body: bytes };
}

function compileRewrite(
  prefix: string | undefined,
  regex: RegexMatchAndSubstitute | undefined,
  field: string,
  errors: FieldProblem[],
): PathRewrite | undefined {
  if (prefix !== undefined && regex !== undefined) {
    errors.push({ field, message: 'prefix_rewrite excludes regex_rewrite' });
    return undefined;
  }
  if (prefix !== undefined) return { kind: 'prefix', replacement: prefix };
  if (regex === undefined) return undefined;
  const pattern = compileGlobal(regex.pattern?.regex, `${field}.regex_rewrite.pattern.regex`);
  if (isRoutingError(pattern)) {
    errors.push(pattern);
    return undefined;
  }
  return { kind: 'regex', pattern, substitution: re2Substitution(regex.substitution ?? '') };
}
