import { readDestination, type RouteDestination } from './destination.js';
import { parseDurationMs } from './duration.js';
import { ErrorCodes } from './field-error.js';
import { readHeaderOperations, type HeaderOperations } from './headers.js';
import type { FieldReader } from './reader.js';
import { readStringMatch, type StringMatch } from './string-match.js';

export interface HttpMatch {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers: Record<string, StringMatch>;
  withoutHeaders: Record<string, StringMatch>;
  queryParams: Record<string, StringMatch>;
  ignoreUriCase: boolean;
  port?: number;
  gateways: string[];
}

export interface HttpRedirect {
  uri?: string;
  authority?: string;
  port?: number;
  scheme?: string;
  redirectCode?: number;
}

export interface HttpRoute {
  index: number;
  name?: string;
  match: HttpMatch[];
  route: RouteDestination[];
  redirect?: HttpRedirect;
  directResponse?: { status: number; body?: string };
  rewrite?: { uri?: string; authority?: string };
  timeoutMs?: number;
  retries?: { attempts: number; perTryTimeoutMs?: number; retryOn?: string };
  headers?: HeaderOperations;
}

export function readHttpRoute(
  r: FieldReader,
  value: unknown,
  f: string,
  index: number,
): HttpRoute | undefined {
  const h = r.object(value, f, true);
  if (!h) return undefined;
  const match = r.array(h.match, `${f}.match`).map((m, i) => readMatch(r, m, `${f}.match[${i}]`));
  const route = r
    .array(h.route, `${f}.route`)
    .map((d, i) => readDestination(r, d, `${f}.route[${i}]`))
    .filter((d): d is RouteDestination => d !== undefined);
  const redirect = readRedirect(r, h.redirect, `${f}.redirect`);
  const direct = r.object(h.directResponse, `${f}.directResponse`);
  const directResponse = direct
    ? {
        status: r.integer(direct.status, `${f}.directResponse.status`, 200, 599, true) ?? 200,
        body: r.string(
          r.object(direct.body, `${f}.directResponse.body`)?.string,
          `${f}.directResponse.body.string`,
        ),
      }
    : undefined;
  const actions = [route.length > 0, redirect !== undefined, directResponse !== undefined].filter(
    Boolean,
  ).length;
  if (actions === 0) r.fail(f, ErrorCodes.required, 'must set one of route, redirect, directResponse');
  if (actions > 1)
    r.fail(f, ErrorCodes.invalidValue, 'route, redirect and directResponse are mutually exclusive');
  const rw = r.object(h.rewrite, `${f}.rewrite`);
  if (rw && redirect) r.fail(`${f}.rewrite`, ErrorCodes.invalidValue, 'rewrite cannot be used with redirect');
  const rewrite = rw
    ? {
        uri: r.string(rw.uri, `${f}.rewrite.uri`),
        authority: r.string(rw.authority, `${f}.rewrite.authority`),
      }
    : undefined;
  if (rw?.uriRegexRewrite !== undefined)
    r.fail(`${f}.rewrite.uriRegexRewrite`, ErrorCodes.unsupported, 'is not supported');
  return {
    index,
    name: r.string(h.name, `${f}.name`),
    match,
    route,
    redirect,
    directResponse,
    rewrite,
    timeoutMs: readDuration(r, h.timeout, `${f}.timeout`),
    retries: readRetries(r, h.retries, `${f}.retries`),
    headers: h.headers === undefined ? undefined : readHeaderOperations(r, h.headers, `${f}.headers`),
  };
}

function readMatch(r: FieldReader, value: unknown, f: string): HttpMatch {
  const m = r.object(value, f) ?? {};
  const matchMap = (v: unknown, path: string): Record<string, StringMatch> => {
    const out: Record<string, StringMatch> = {};
    for (const [k, sm] of Object.entries(r.object(v, path) ?? {})) {
      const parsed = readStringMatch(r, sm, `${path}.${k}`);
      if (parsed) out[k.toLowerCase()] = parsed;
    }
    return out;
  };
  return {
    name: r.string(m.name, `${f}.name`),
    uri: readStringMatch(r, m.uri, `${f}.uri`),
    scheme: readStringMatch(r, m.scheme, `${f}.scheme`),
    method: readStringMatch(r, m.method, `${f}.method`),
    authority: readStringMatch(r, m.authority, `${f}.authority`),
    headers: matchMap(m.headers, `${f}.headers`),
    withoutHeaders: matchMap(m.withoutHeaders, `${f}.withoutHeaders`),
    queryParams: matchMap(m.queryParams, `${f}.queryParams`),
    ignoreUriCase: r.boolean(m.ignoreUriCase, `${f}.ignoreUriCase`) ?? false,
    port: r.integer(m.port, `${f}.port`, 1, 65535),
    gateways: r.stringArray(m.gateways, `${f}.gateways`),
  };
}

function readRedirect(r: FieldReader, value: unknown, f: string): HttpRedirect | undefined {
  const o = r.object(value, f);
  if (!o) return undefined;
  const redirectCode = r.integer(o.redirectCode, `${f}.redirectCode`, 300, 399);
  if (redirectCode !== undefined && ![301, 302, 303, 307, 308].includes(redirectCode)) {
    r.fail(`${f}.redirectCode`, ErrorCodes.invalidValue, 'must be 301, 302, 303, 307 or 308');
  }
  const scheme = r.string(o.scheme, `${f}.scheme`);
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    r.fail(`${f}.scheme`, ErrorCodes.invalidValue, 'must be http or https');
  }
  return {
    uri: r.string(o.uri, `${f}.uri`),
    authority: r.string(o.authority, `${f}.authority`),
    port: r.integer(o.port, `${f}.port`, 1, 65535),
    scheme,
    redirectCode,
  };
}

function readDuration(r: FieldReader, value: unknown, f: string): number | undefined {
  const s = r.string(value, f);
  if (s === undefined) return undefined;
  const ms = parseDurationMs(s);
  if (ms === undefined)
    return r.fail(f, ErrorCodes.invalidValue, `"${s}" is not a duration like 1.5s or 250ms`);
  return ms;
}

function readRetries(r: FieldReader, value: unknown, f: string): HttpRoute['retries'] {
  const o = r.object(value, f);
  if (!o) return undefined;
  return {
    attempts: r.integer(o.attempts, `${f}.attempts`, 0, 1000) ?? 0,
    perTryTimeoutMs: readDuration(r, o.perTryTimeout, `${f}.perTryTimeout`),
    retryOn: r.string(o.retryOn, `${f}.retryOn`),
  };
}
