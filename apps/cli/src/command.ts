import { parseArgv, UsageError, type ParsedArgs } from './argv.js';

/** The resource names kubectl users type, mapped to keyway's REST plurals. */
const RESOURCE_ALIASES: Record<string, string> = {
  secret: 'secrets',
  secrets: 'secrets',
  gateway: 'gateways',
  gateways: 'gateways',
  gw: 'gateways',
  virtualservice: 'virtualservices',
  virtualservices: 'virtualservices',
  vs: 'virtualservices',
  serviceentry: 'serviceentries',
  serviceentries: 'serviceentries',
  se: 'serviceentries',
  certificate: 'certificates',
  certificates: 'certificates',
  cert: 'certificates',
  referencegrant: 'referencegrants',
  referencegrants: 'referencegrants',
  refgrant: 'referencegrants',
  service: 'services',
  services: 'services',
  svc: 'services',
  pod: 'pods',
  pods: 'pods',
  po: 'pods',
};

/** Every resource word the parser accepts (for shell completion). */
export const RESOURCE_WORDS = Object.keys(RESOURCE_ALIASES);

/** Top-level commands and their sub-command words: what `parseCommand` dispatches on. */
export const COMMAND_WORDS: Record<string, string[]> = {
  create: ['secret'],
  apply: [],
  analyze: [],
  delete: [],
  get: [],
  logs: [],
  cert: ['issue', 'revoke'],
  acme: ['eab'],
  history: [],
  audit: ['verify', 'log'],
  'proxy-status': [],
  status: [],
  completion: ['bash', 'zsh'],
  describe: [],
  'proxy-config': ['secret', 'listener', 'route', 'cluster', 'endpoint'],
  pc: ['secret', 'listener', 'route', 'cluster', 'endpoint'],
  help: [],
};

/** Commands whose next word is a resource type. */
export const RESOURCE_COMMANDS = ['get', 'delete', 'status', 'describe'];

export const OUTPUT_FORMATS = ['json', 'yaml', 'name', 'wide', 'jsonpath='];

export const MANAGED_RESOURCES = [
  'secrets',
  'gateways',
  'virtualservices',
  'serviceentries',
  'certificates',
  'referencegrants',
] as const;
export type ManagedResource = (typeof MANAGED_RESOURCES)[number];
export type Resource = ManagedResource | 'services' | 'pods';

export type OutputFormat =
  | { kind: 'table' }
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'name' }
  | { kind: 'jsonpath'; template: string }
  | { kind: 'wide' };

export interface Common {
  namespace?: string;
  output: OutputFormat;
  server?: string;
  token?: string;
}

export type Command = Common &
  (
    | { verb: 'help' }
    | {
        verb: 'create-secret-generic';
        name: string;
        fromFiles: Array<{ key: string; path: string }>;
        literals: Array<{ key: string; value: string }>;
      }
    | { verb: 'create-secret-tls'; name: string; cert: string; key: string }
    | { verb: 'apply'; files: string[]; dryRun?: 'server' }
    | { verb: 'analyze'; files: string[] }
    | {
        verb: 'delete';
        resource?: ManagedResource;
        names: string[];
        files: string[];
        ignoreNotFound: boolean;
      }
    | { verb: 'get'; resource: Resource; names: string[]; allNamespaces: boolean; selector?: string }
    | { verb: 'logs'; target: string; container?: string; tail?: number }
    | { verb: 'cert-issue'; host: string; out: string; issuer?: string; team?: string; client: boolean }
    | { verb: 'cert-revoke'; serial: string; reason?: string }
    | { verb: 'acme-eab-create'; team: string }
    | { verb: 'acme-eab-list'; team?: string }
    | { verb: 'acme-eab-revoke'; keyId: string }
    | { verb: 'history'; name: string }
    | { verb: 'audit-verify' }
    | { verb: 'audit-log'; query: Record<string, string> }
    | { verb: 'proxy-status' }
    | { verb: 'status'; resource?: ManagedResource; name?: string }
    | { verb: 'completion'; shell: 'bash' | 'zsh' }
    | { verb: 'describe'; kind: DescribeKind; name: string }
    | { verb: 'proxy-config-secret'; proxy: string }
    | { verb: 'proxy-config'; type: ProxyConfigType; proxy: string }
  );

export const PROXY_CONFIG_TYPES = ['listener', 'route', 'cluster', 'endpoint'] as const;
export type ProxyConfigType = (typeof PROXY_CONFIG_TYPES)[number];

export const DESCRIBE_KINDS = ['secrets', 'gateways', 'virtualservices', 'certificates', 'proxies'] as const;
export type DescribeKind = (typeof DESCRIBE_KINDS)[number];

export function parseOutput(value: string | undefined): OutputFormat {
  if (value === undefined) return { kind: 'table' };
  if (value === 'json' || value === 'yaml' || value === 'name' || value === 'wide') return { kind: value };
  const jp = /^jsonpath=(.*)$/s.exec(value);
  if (jp) return { kind: 'jsonpath', template: jp[1] };
  throw new UsageError(
    `unknown output format ${JSON.stringify(value)}: use json, yaml, name, wide or jsonpath=...`,
  );
}

export function resolveResource(word: string | undefined): Resource {
  if (!word) throw new UsageError('a resource type is required (secrets, gateways, virtualservices, ...)');
  // kubectl allows `kind.group` (gateway.networking.istio.io) and `kind/name`.
  const base = word.toLowerCase().split('.')[0];
  const r = RESOURCE_ALIASES[base];
  if (!r) throw new UsageError(`unknown resource type ${JSON.stringify(word)}`);
  return r as Resource;
}

function managed(r: Resource): ManagedResource {
  if (!(MANAGED_RESOURCES as readonly string[]).includes(r))
    throw new UsageError(`${r} are presented read-only by the local suite: this verb does not apply`);
  return r as ManagedResource;
}

function keyValue(flag: string, v: string, sep = '='): { key: string; value: string } {
  const i = v.indexOf(sep);
  if (i <= 0) throw new UsageError(`--${flag}: expected key=value, got ${JSON.stringify(v)}`);
  return { key: v.slice(0, i), value: v.slice(i + 1) };
}

function fromFile(v: string): { key: string; path: string } {
  const i = v.indexOf('=');
  // kubectl: --from-file=PATH uses the file's base name as the key.
  if (i < 0) return { key: v.split('/').pop()!, path: v };
  return { key: v.slice(0, i), path: v.slice(i + 1) };
}

function need(p: ParsedArgs, flag: string): string {
  const v = p.values[flag];
  if (v === undefined) throw new UsageError(`--${flag} is required`);
  return v;
}

/** argv (without node and script) -> one command, or a UsageError saying what is wrong. */
export function parseCommand(argv: string[]): Command {
  const p = parseArgv(argv);
  const common: Common = {
    namespace: p.values.namespace,
    output: parseOutput(p.values.output),
    server: p.values.server,
    token: p.values.token,
  };
  const [verb, ...rest] = p.positionals;
  if (p.bools.help || verb === undefined || verb === 'help') return { ...common, verb: 'help' };
  switch (verb) {
    case 'create': {
      if (rest[0] !== 'secret')
        throw new UsageError('create: only `create secret generic|tls NAME` is supported');
      const [, type, name] = rest;
      if (!name) throw new UsageError('create secret: a NAME is required');
      if (type === 'generic') {
        const fromFiles = (p.lists['from-file'] ?? []).map(fromFile);
        const literals = (p.lists['from-literal'] ?? []).map((v) => keyValue('from-literal', v));
        if (fromFiles.length + literals.length === 0)
          throw new UsageError(
            'create secret generic: give --from-file=key=PATH or --from-literal=key=value',
          );
        return { ...common, verb: 'create-secret-generic', name, fromFiles, literals };
      }
      if (type === 'tls')
        return { ...common, verb: 'create-secret-tls', name, cert: need(p, 'cert'), key: need(p, 'key') };
      throw new UsageError('create secret: type must be generic or tls');
    }
    case 'apply': {
      const files = p.lists.filename ?? [];
      if (files.length === 0) throw new UsageError('apply: -f FILE (or -f - for stdin) is required');
      const dryRun = p.values['dry-run'];
      if (dryRun === undefined || dryRun === 'none') return { ...common, verb: 'apply', files };
      if (dryRun !== 'server')
        throw new UsageError(
          `--dry-run: ${JSON.stringify(dryRun)} is not supported: use server (the api checks without applying)`,
        );
      return { ...common, verb: 'apply', files, dryRun: 'server' };
    }
    case 'analyze': {
      const files = p.lists.filename ?? [];
      if (files.length === 0) throw new UsageError('analyze: -f FILE (or -f - for stdin) is required');
      return { ...common, verb: 'analyze', files };
    }
    case 'delete': {
      const files = p.lists.filename ?? [];
      const ignoreNotFound = p.bools['ignore-not-found'] ?? false;
      if (files.length > 0) return { ...common, verb: 'delete', names: [], files, ignoreNotFound };
      const [type, ...names] = splitSlash(rest);
      const resource = managed(resolveResource(type));
      if (names.length === 0) throw new UsageError(`delete ${type}: at least one NAME is required`);
      return { ...common, verb: 'delete', resource, names, files: [], ignoreNotFound };
    }
    case 'get': {
      const [type, ...names] = splitSlash(rest);
      return {
        ...common,
        verb: 'get',
        resource: resolveResource(type),
        names,
        allNamespaces: p.bools['all-namespaces'] ?? false,
        selector: p.values.selector,
      };
    }
    case 'logs': {
      if (!rest[0]) throw new UsageError('logs: a POD or SERVICE is required');
      const tail = p.values.tail === undefined ? undefined : Number(p.values.tail);
      if (tail !== undefined && !(Number.isInteger(tail) && tail >= -1))
        throw new UsageError('--tail: expected a whole number');
      return { ...common, verb: 'logs', target: rest[0], container: p.values.container, tail };
    }
    case 'cert': {
      if (rest[0] === 'issue') {
        if (!rest[1]) throw new UsageError('cert issue: a HOST is required');
        return {
          ...common,
          verb: 'cert-issue',
          host: rest[1],
          out: need(p, 'out'),
          issuer: p.values.issuer,
          team: p.values.team,
          client: !(p.bools['no-client'] ?? false),
        };
      }
      if (rest[0] === 'revoke') {
        if (!rest[1]) throw new UsageError('cert revoke: a SERIAL is required');
        return { ...common, verb: 'cert-revoke', serial: rest[1], reason: p.values.reason };
      }
      throw new UsageError('cert: use `cert issue HOST --out DIR` or `cert revoke SERIAL`');
    }
    case 'acme': {
      if (rest[0] !== 'eab')
        throw new UsageError(
          'acme: use `acme eab create --team T`, `acme eab list` or `acme eab revoke KEY_ID`',
        );
      if (rest[1] === 'create') return { ...common, verb: 'acme-eab-create', team: need(p, 'team') };
      if (rest[1] === 'list') return { ...common, verb: 'acme-eab-list', team: p.values.team };
      if (rest[1] === 'revoke') {
        if (!rest[2]) throw new UsageError('acme eab revoke: a KEY_ID is required');
        return { ...common, verb: 'acme-eab-revoke', keyId: rest[2] };
      }
      throw new UsageError('acme eab: use create --team T, list [--team T] or revoke KEY_ID');
    }
    case 'history':
      if (!rest[0]) throw new UsageError('history: a NAME is required');
      return { ...common, verb: 'history', name: rest[0] };
    case 'audit': {
      if (rest[0] === 'verify') return { ...common, verb: 'audit-verify' };
      if (rest[0] !== 'log') throw new UsageError('audit: use `audit verify` or `audit log`');
      const query: Record<string, string> = {};
      for (const key of ['since', 'until', 'actor', 'team', 'kind', 'limit'] as const)
        if (p.values[key] !== undefined) query[key] = p.values[key];
      return { ...common, verb: 'audit-log', query };
    }
    case 'proxy-status':
      return { ...common, verb: 'proxy-status' };
    case 'describe': {
      const [type, name] = splitSlash(rest);
      const word = (type ?? '').toLowerCase();
      const kind = word === 'proxy' || word === 'proxies' ? 'proxies' : resolveResource(type);
      if (!(DESCRIBE_KINDS as readonly string[]).includes(kind))
        throw new UsageError(
          `describe: use secret, gateway, virtualservice, certificate or proxy, not ${JSON.stringify(type)}`,
        );
      if (!name) throw new UsageError(`describe ${type}: a NAME is required`);
      return { ...common, verb: 'describe', kind: kind as DescribeKind, name };
    }
    case 'proxy-config':
    case 'pc': {
      // istioctl accepts the singular, the plural and its short forms.
      const word = (rest[0] ?? '').toLowerCase().replace(/s$/, '');
      const type = word === 'ep' ? 'endpoint' : word;
      if (type !== 'secret' && !(PROXY_CONFIG_TYPES as readonly string[]).includes(type))
        throw new UsageError(`${verb}: use secret, listener, route, cluster or endpoint, then a PROXY`);
      if (!rest[1])
        throw new UsageError(
          `${verb} ${type}: a PROXY (node id, as keyway proxy-status lists it) is required`,
        );
      if (type === 'secret') return { ...common, verb: 'proxy-config-secret', proxy: rest[1] };
      return { ...common, verb: 'proxy-config', type: type as ProxyConfigType, proxy: rest[1] };
    }
    case 'completion':
      if (rest[0] !== 'bash' && rest[0] !== 'zsh')
        throw new UsageError('completion: use `completion bash` or `completion zsh`');
      return { ...common, verb: 'completion', shell: rest[0] };
    case 'status':
      return {
        ...common,
        verb: 'status',
        resource: rest[0] ? managed(resolveResource(rest[0])) : undefined,
        name: rest[1],
      };
    default:
      throw new UsageError(`unknown command ${JSON.stringify(verb)}; see keyway help`);
  }
}

/** `get secret/name` is `get secret name`. */
function splitSlash(words: string[]): string[] {
  if (words.length === 1 && words[0].includes('/')) {
    const [type, name] = words[0].split('/', 2);
    return [type, name];
  }
  return words;
}

export const HELP = `keyway: kubectl-style client for the keyway api

  keyway create [-n NS] secret generic NAME --from-file=key=PATH [--from-file=cert=PATH ...]
  keyway create [-n NS] secret tls NAME --cert=PATH --key=PATH
  keyway apply -f FILE|- [--dry-run=server]   (YAML or JSON, several documents)
  keyway analyze -f FILE|-          findings with istioctl's codes (IST0101...) and KW codes; exit 1 on an Error
  keyway delete secret|gateway|virtualservice|serviceentry|certificate|referencegrant NAME... [-n NS] [--ignore-not-found]
  keyway delete -f FILE|-
  keyway get secrets|gateways|virtualservices|serviceentries|certificates|referencegrants [NAME] [-n NS|-A] [-o json|yaml|name|jsonpath=...]
  keyway get service|pod [NAME] -n istio-system [-l istio=ingressgateway] [-o jsonpath=...]
  keyway logs -n istio-system POD -c istio-proxy|ingress-sds     keyway logs SERVICE [--tail N]
  keyway cert issue HOST --out DIR [--issuer CA] [--team T] [--no-client]   keyway cert revoke SERIAL [--reason R]
  keyway acme eab create --team T   (admin) an ACME External Account Binding key for team T: key id and
                                    HMAC key printed once (certbot --eab-kid/--eab-hmac-key; docs/acme.md)
  keyway acme eab list [--team T]   keyway acme eab revoke KEY_ID
  keyway audit log [--since 24h|7d|ISO] [--until ...] [--actor NAME] [--team T] [--kind credential-version,rejected-version,api-request,ca-decision,ca-issuance,ca-revocation,ca-crl] [-n NS] [--limit N]
  keyway history NAME -n NS      keyway audit verify      keyway proxy-status      keyway status [KIND [NAME]]
  keyway describe secret|gateway|virtualservice|certificate|proxy NAME [-n NS]
  keyway proxy-config secret PROXY [-n NS]   (pc): the secrets a proxy holds, at which version, stale or not
  keyway proxy-config listener|route|cluster|endpoint PROXY [-n NS] [-o json]: what the proxy is served
  keyway completion bash|zsh     (source <(keyway completion bash))
  -o wide adds columns: secrets (serial, not-after, issuer, sources, hosts), gateways, certificates.

  --server URL (KEYWAY_SERVER), --token TOKEN (KEYWAY_TOKEN), or ~/.keyway/config ({server, token});
  default: the local suite at http://127.0.0.1:8081 with .keyway/admin-token.
  Exit codes: 0 ok, 1 refused or failed, 2 usage or bad file, 3 server unreachable, 4 not authorized.
`;
