import { ACME_ROUTES } from '../acme/acme-openapi.js';
import { PLURALS } from '../resources/kinds.js';

/**
 * The api's OpenAPI 3.1 document, built from one route table. A test compares this table with the
 * routes Nest actually registered, so the document cannot silently miss one.
 */
export interface RouteDoc {
  method: 'get' | 'head' | 'post' | 'put' | 'delete';
  /** OpenAPI style: `/v1/namespaces/{namespace}/{plural}`. */
  path: string;
  summary: string;
  tag: string;
  /** `record`: `read` in the namespace, or the `audit` scope for every namespace. */
  verb: 'read' | 'record' | 'write' | 'issue' | 'admin' | 'public';
  query?: Array<{ name: string; description: string; schema?: Record<string, unknown> }>;
  body?: 'manifest' | 'manifests' | 'json';
  paginated?: boolean;
}

const PAGE = [
  {
    name: 'limit',
    description: 'page size (1-1000, default 100)',
    schema: { type: 'integer', minimum: 1, maximum: 1000 },
  },
  { name: 'cursor', description: "the previous page's `metadata.continue`" },
];

export const ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/apply',
    summary: 'Apply manifests (YAML or JSON, multi-document), dispatching by kind',
    tag: 'resources',
    verb: 'write',
    body: 'manifests',
    query: [
      { name: 'namespace', description: 'namespace for manifests that name none (default `default`)' },
      {
        name: 'dryRun',
        description:
          '`All` (kubectl --dry-run=server): check each document as the apply would, apply nothing; the answer says created/configured with each finding',
        schema: { type: 'string', enum: ['All'] },
      },
    ],
  },
  {
    method: 'post',
    path: '/v1/analyze',
    summary:
      'Findings of applying these manifests now (istioctl analyze codes: IST0101, IST0106, IST0132, IST0145; keyway KW codes), applying nothing',
    tag: 'resources',
    verb: 'read',
    body: 'manifests',
    query: [{ name: 'namespace', description: 'namespace for manifests that name none (default `default`)' }],
  },
  {
    method: 'get',
    path: '/v1/resources/{plural}',
    summary: 'List a kind across every namespace the caller may read',
    tag: 'resources',
    verb: 'read',
    paginated: true,
  },
  {
    method: 'get',
    path: '/v1/namespaces/{namespace}/{plural}',
    summary: 'List a kind in a namespace',
    tag: 'resources',
    verb: 'read',
    paginated: true,
  },
  {
    method: 'get',
    path: '/v1/namespaces/{namespace}/{plural}/{name}',
    summary: 'Get one resource',
    tag: 'resources',
    verb: 'read',
  },
  {
    method: 'put',
    path: '/v1/namespaces/{namespace}/{plural}/{name}',
    summary: 'Create or replace one resource',
    tag: 'resources',
    verb: 'write',
    body: 'manifest',
  },
  {
    method: 'delete',
    path: '/v1/namespaces/{namespace}/{plural}/{name}',
    summary: 'Delete one resource',
    tag: 'resources',
    verb: 'write',
    query: [
      {
        name: 'ignoreNotFound',
        description: 'true: a missing resource is not an error',
        schema: { type: 'boolean' },
      },
    ],
  },
  {
    method: 'get',
    path: '/v1/status',
    summary: 'Compile status of routing resources',
    tag: 'resources',
    verb: 'read',
    query: [
      { name: 'namespace', description: 'namespace' },
      { name: 'kind', description: 'Gateway, VirtualService or ServiceEntry' },
      { name: 'name', description: 'resource name' },
    ],
  },
  {
    method: 'get',
    path: '/v1/namespaces/{namespace}/credentials',
    summary: 'Credentials served in a namespace',
    tag: 'credentials',
    verb: 'read',
  },
  {
    method: 'get',
    path: '/v1/namespaces/{namespace}/credentials/{name}/history',
    summary: 'Audited versions of a credential',
    tag: 'credentials',
    verb: 'record',
    paginated: true,
  },
  {
    method: 'get',
    path: '/v1/namespaces/{namespace}/credentials/{name}/history/{revision}',
    summary: 'One audited version',
    tag: 'credentials',
    verb: 'record',
  },
  {
    method: 'post',
    path: '/v1/audit/verify',
    summary: 'Recompute the audit hash chain',
    tag: 'credentials',
    verb: 'record',
    body: 'json',
  },
  {
    method: 'get',
    path: '/v1/audit/events',
    summary:
      'The audit record across credentials (versions, rejections) and api requests, newest first; a team sees its namespaces and its own requests',
    tag: 'audit',
    verb: 'record',
    query: [
      { name: 'since', description: 'a duration back from now (24h, 7d, 30m) or an ISO time' },
      { name: 'until', description: 'same forms as since; events before it' },
      {
        name: 'actor',
        description: 'a token or user name (matches user:NAME and token:NAME), or a full actor',
      },
      { name: 'team', description: 'events by this team' },
      { name: 'namespace', description: 'namespace' },
      { name: 'name', description: 'a credential name (credential events only)' },
      {
        name: 'kind',
        description:
          'credential-version, rejected-version, api-request, ca-decision, ca-issuance, ca-revocation, ca-crl (comma separated)',
      },
      { name: 'limit', description: 'page size (1-1000, default 100)' },
      { name: 'cursor', description: "the previous page's `metadata.continue`" },
    ],
  },
  {
    method: 'get',
    path: '/v1/proxies',
    summary: 'Connected proxies and their sync status',
    tag: 'proxies',
    verb: 'read',
    query: [{ name: 'namespace', description: 'namespace' }],
  },
  {
    method: 'get',
    path: '/v1/namespaces/{namespace}/proxies/{nodeId}/config/{type}',
    summary:
      'The listeners, routes, clusters or endpoints a proxy is served, decoded to Envoy JSON, with its sync status for that type',
    tag: 'proxies',
    verb: 'read',
    query: [{ name: 'limit', description: 'at most this many resources (1-2000, default 500)' }],
  },
  {
    method: 'get',
    path: '/v1/ca/authorities',
    summary: 'The CA hierarchy (never a key)',
    tag: 'ca',
    verb: 'read',
  },
  {
    method: 'post',
    path: '/v1/ca/authorities',
    summary: 'Create a root or intermediate CA (admin)',
    tag: 'ca',
    verb: 'admin',
    body: 'json',
  },
  {
    method: 'get',
    path: '/v1/ca/authorities/{name}/crl',
    summary: "A CA's current CRL",
    tag: 'ca',
    verb: 'read',
  },
  {
    method: 'get',
    path: '/v1/ca/policies',
    summary: 'Issuance policies (admin)',
    tag: 'ca',
    verb: 'admin',
    query: [{ name: 'team', description: 'team' }],
  },
  {
    method: 'put',
    path: '/v1/ca/policies/{team}/{name}',
    summary: "Create or replace a team's issuance policy (admin)",
    tag: 'ca',
    verb: 'admin',
    body: 'json',
  },
  {
    method: 'post',
    path: '/v1/ca/issue',
    summary:
      'Issue a certificate; the private key is returned once. The admin may name the `team` whose policy applies',
    tag: 'ca',
    verb: 'issue',
    body: 'json',
  },
  { method: 'post', path: '/v1/ca/sign', summary: 'Sign a CSR', tag: 'ca', verb: 'issue', body: 'json' },
  {
    method: 'post',
    path: '/v1/ca/revoke',
    summary: 'Revoke a certificate by serial',
    tag: 'ca',
    verb: 'issue',
    body: 'json',
  },
  {
    method: 'get',
    path: '/api/v1/namespaces/{namespace}/services',
    summary: 'Local suite: the ingress gateway Service',
    tag: 'local-suite',
    verb: 'read',
    query: [{ name: 'labelSelector', description: 'label selector' }],
  },
  {
    method: 'get',
    path: '/api/v1/namespaces/{namespace}/services/{name}',
    summary: 'Local suite: one Service',
    tag: 'local-suite',
    verb: 'read',
  },
  {
    method: 'get',
    path: '/api/v1/namespaces/{namespace}/pods',
    summary: 'Local suite: the ingress gateway Pod',
    tag: 'local-suite',
    verb: 'read',
    query: [{ name: 'labelSelector', description: 'label selector' }],
  },
  {
    method: 'get',
    path: '/api/v1/namespaces/{namespace}/pods/{name}',
    summary: 'Local suite: one Pod',
    tag: 'local-suite',
    verb: 'read',
  },
  {
    method: 'get',
    path: '/api/v1/namespaces/{namespace}/pods/{name}/log',
    summary: 'Local suite: container log (istio-proxy: gateway, ingress-sds: sds-server)',
    tag: 'local-suite',
    verb: 'read',
    query: [
      { name: 'container', description: 'istio-proxy or ingress-sds' },
      { name: 'tailLines', description: 'last N lines', schema: { type: 'integer' } },
    ],
  },
  {
    method: 'get',
    path: '/v1/logs/{service}',
    summary: "Local suite: a service's log (admin)",
    tag: 'local-suite',
    verb: 'admin',
    query: [{ name: 'tailLines', description: 'last N lines', schema: { type: 'integer' } }],
  },
  { method: 'get', path: '/v1/teams', summary: 'Teams and their namespaces', tag: 'admin', verb: 'admin' },
  {
    method: 'post',
    path: '/v1/teams',
    summary: 'Create or replace a team',
    tag: 'admin',
    verb: 'admin',
    body: 'json',
  },
  {
    method: 'get',
    path: '/v1/tokens',
    summary: 'API tokens (never the token itself)',
    tag: 'admin',
    verb: 'admin',
  },
  {
    method: 'post',
    path: '/v1/tokens',
    summary: 'Create a token; it is shown once',
    tag: 'admin',
    verb: 'admin',
    body: 'json',
  },
  { method: 'delete', path: '/v1/tokens/{id}', summary: 'Revoke a token', tag: 'admin', verb: 'admin' },
  {
    method: 'get',
    path: '/v1/console/credentials',
    summary:
      "Every credential the caller may read in one answer (metadata and keyway's annotations, never data), for the web console's table",
    tag: 'console',
    verb: 'read',
  },
  { method: 'get', path: '/ui', summary: 'The web console (apps/console)', tag: 'console', verb: 'public' },
  {
    method: 'get',
    path: '/ui/{path}',
    summary: "The web console's files; any other path under /ui answers its page",
    tag: 'console',
    verb: 'public',
  },
  { method: 'get', path: '/openapi.json', summary: 'This document', tag: 'docs', verb: 'public' },
  { method: 'get', path: '/docs', summary: 'Route list as HTML', tag: 'docs', verb: 'public' },
  ...ACME_ROUTES,
];

const ERROR = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: {
      type: 'string',
      enum: [
        'invalid',
        'not_found',
        'conflict',
        'forbidden',
        'unavailable',
        'internal',
        'unauthorized',
        'rate_limited',
      ],
    },
    message: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'field', 'message'],
        properties: {
          code: { type: 'string' },
          resource: { type: 'string' },
          field: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
};

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

function paramSchema(name: string): Record<string, unknown> {
  if (name === 'plural') return { type: 'string', enum: PLURALS };
  if (name === 'revision') return { type: 'integer', minimum: 1 };
  return { type: 'string' };
}

export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const parameters = [
      ...pathParams(r.path).map((name) => ({ name, in: 'path', required: true, schema: paramSchema(name) })),
      ...[...(r.query ?? []), ...(r.paginated ? PAGE : [])].map((q) => ({
        name: q.name,
        in: 'query',
        required: false,
        description: q.description,
        schema: q.schema ?? { type: 'string' },
      })),
    ];
    const errors = Object.fromEntries(
      ['400', '401', '403', '404', '409', '429', '503'].map((s) => [
        s,
        { $ref: `#/components/responses/Error` },
      ]),
    );
    const op: Record<string, unknown> = {
      operationId: `${r.method}${r.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      tags: [r.tag],
      parameters,
      responses: {
        '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
        ...errors,
      },
    };
    if (r.verb === 'public') op.security = [];
    else
      op.description =
        r.verb === 'record'
          ? 'Requires the `read` permission in the namespace, or the `audit` scope (every namespace).'
          : `Requires the \`${r.verb}\` permission${r.verb === 'admin' ? ' (admin token)' : ' in the namespace'}.`;
    if (r.body) {
      const schema = { type: 'object' };
      op.requestBody = {
        required: true,
        content:
          r.body === 'json'
            ? { 'application/json': { schema } }
            : { 'application/json': { schema }, 'application/yaml': { schema: { type: 'string' } } },
      };
    }
    (paths[r.path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'keyway api',
      version,
      description: 'REST front door to keyway: Istio resources, Secrets, certificates, audit.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token or the admin bootstrap token' },
      },
      schemas: { Error: ERROR },
      responses: {
        Error: {
          description: 'Structured error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}

/** No network and no swagger-ui bundle here: a plain HTML list of the routes from the same table. */
export function docsPage(): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = ROUTES.map(
    (r) =>
      `<tr><td><code>${r.method.toUpperCase()}</code></td><td><code>${esc(r.path)}</code></td><td>${esc(r.verb)}</td><td>${esc(r.summary)}</td></tr>`,
  ).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>keyway api</title></head><body>
<h1>keyway api</h1><p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a>. This page lists the routes; it is not Swagger UI (no swagger-ui bundle is installed and the page loads nothing from the network).</p>
<table border="1" cellpadding="4"><tr><th>method</th><th>path</th><th>permission</th><th>what</th></tr>
${rows}
</table></body></html>`;
}
