import YAML from 'yaml';
import { ApiClient, ApiRequestError, CliError, type ApiObject as Obj } from './api-client.js';
import { certIssue } from './cert-issue.js';
import { formatFinding, hasErrors, type Finding } from '#keyway/analysis';
import { formatLogText } from '#keyway/observability';
import { completionScript } from './completion.js';
import { auditLogView, auditVerifyText } from './audit-views.js';
import { proxyConfigView, proxySecretsView } from './proxy-config.js';
import {
  describeCertificate,
  describeGateway,
  describeProxy,
  describeSecret,
  describeVirtualService,
} from './describe.js';
import { HELP, type Command, type ManagedResource, type OutputFormat } from './command.js';
import type { Io } from './io.js';
import { jsonPath } from './jsonpath.js';
import { formatTable, paint } from './table.js';
import { historyView, proxyStatusView, tableView } from './views.js';

/** kubectl's singular names and API groups, for `kind.group/name created` lines. */
const SINGULAR: Record<ManagedResource, { name: string; group: string }> = {
  secrets: { name: 'secret', group: '' },
  gateways: { name: 'gateway', group: 'networking.istio.io' },
  virtualservices: { name: 'virtualservice', group: 'networking.istio.io' },
  serviceentries: { name: 'serviceentry', group: 'networking.istio.io' },
  certificates: { name: 'certificate', group: 'cert-manager.io' },
  referencegrants: { name: 'referencegrant', group: 'gateway.networking.k8s.io' },
};
const PLURAL_OF_KIND: Record<string, ManagedResource> = {
  Secret: 'secrets',
  Gateway: 'gateways',
  VirtualService: 'virtualservices',
  ServiceEntry: 'serviceentries',
  Certificate: 'certificates',
  ReferenceGrant: 'referencegrants',
};
const OUTCOME_WORD: Record<string, string> = {
  created: 'created',
  updated: 'configured',
  unchanged: 'unchanged',
};

function qualified(r: ManagedResource, name: string): string {
  const s = SINGULAR[r];
  return `${s.name}${s.group ? `.${s.group}` : ''}/${name}`;
}

const enc = encodeURIComponent;

export class Runner {
  constructor(
    private readonly api: ApiClient,
    private readonly io: Io,
  ) {}

  async run(cmd: Command): Promise<number> {
    const ns = cmd.namespace ?? 'default';
    switch (cmd.verb) {
      case 'completion':
        this.io.out(completionScript(cmd.shell));
        return 0;
      case 'describe':
        return this.#describe(cmd, ns);
      case 'proxy-config-secret':
        return this.#proxySecrets(cmd, cmd.namespace ?? 'istio-system');
      case 'proxy-config':
        return this.#proxyConfig(cmd, cmd.namespace ?? 'istio-system');
      case 'help':
        this.io.out(HELP);
        return 0;
      case 'create-secret-generic': {
        const data: Record<string, string> = {};
        for (const f of cmd.fromFiles) data[f.key] = Buffer.from(await this.#read(f.path)).toString('base64');
        for (const l of cmd.literals) data[l.key] = Buffer.from(l.value).toString('base64');
        return this.#create(ns, cmd.name, 'Opaque', data);
      }
      case 'create-secret-tls': {
        const cert = await this.#read(cmd.cert);
        const key = await this.#read(cmd.key);
        if (!cert.includes('-----BEGIN CERTIFICATE-----'))
          throw new CliError(`error: ${cmd.cert}: no PEM certificate in the file`, 2);
        if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key))
          throw new CliError(`error: ${cmd.key}: no PEM private key in the file`, 2);
        return this.#create(ns, cmd.name, 'kubernetes.io/tls', {
          'tls.crt': Buffer.from(cert).toString('base64'),
          'tls.key': Buffer.from(key).toString('base64'),
        });
      }
      case 'apply':
        return this.#apply(cmd.files, cmd.namespace, cmd.dryRun);
      case 'analyze':
        return this.#analyze(cmd);
      case 'delete':
        return this.#delete(cmd, ns);
      case 'get':
        return this.#get(cmd, ns);
      case 'logs': {
        const tail = cmd.tail === undefined ? '' : `tailLines=${cmd.tail}`;
        const text =
          cmd.container !== undefined || cmd.namespace !== undefined
            ? await this.api.request<string>(
                'GET',
                `/api/v1/namespaces/${enc(ns)}/pods/${enc(cmd.target)}/log?container=${enc(cmd.container ?? 'istio-proxy')}${tail ? `&${tail}` : ''}`,
              )
            : await this.api.request<string>('GET', `/v1/logs/${enc(cmd.target)}${tail ? `?${tail}` : ''}`);
        // Services log JSON for machines; people get readable lines unless they ask for -o json.
        this.io.out(cmd.output.kind === 'json' ? String(text) : formatLogText(String(text)));
        return 0;
      }
      case 'cert-issue':
        return certIssue(this.api, this.io, cmd, (v) => this.#structured(v, cmd.output));
      case 'cert-revoke': {
        const r = await this.api.request<Obj>('POST', '/v1/ca/revoke', {
          json: { serial: cmd.serial, ...(cmd.reason ? { reason: cmd.reason } : {}) },
        });
        if (!this.#structured(r, cmd.output))
          this.io.out(
            `certificate ${r.serial ?? cmd.serial} revoked (issuer ${r.issuer ?? '?'}, CRL ${r.crlNumber ?? '?'})\n`,
          );
        return 0;
      }
      case 'acme-eab-create': {
        const r = await this.api.request<Obj>('POST', '/v1/acme/eab', { json: { team: cmd.team } });
        if (!this.#structured(r, cmd.output))
          this.io.out(
            `EAB key for team ${r.team} (shown once; the HMAC key is not kept in clear)\n` +
              `key id:   ${r.keyId}\nhmac key: ${r.hmacKey}\n`,
          );
        return 0;
      }
      case 'acme-eab-list': {
        const r = await this.api.request<Obj>(
          'GET',
          `/v1/acme/eab${cmd.team ? `?team=${enc(cmd.team)}` : ''}`,
        );
        if (!this.#structured(r, cmd.output))
          this.#table({
            headers: ['KEY ID', 'TEAM', 'ACCOUNTS', 'CREATED', 'REVOKED'],
            rows: (r.items ?? []).map((k: Obj) => [
              k.keyId,
              k.team,
              String(k.accounts),
              k.createdAt,
              k.revokedAt ?? '-',
            ]),
          });
        return 0;
      }
      case 'acme-eab-revoke': {
        const r = await this.api.request<Obj>('DELETE', `/v1/acme/eab/${enc(cmd.keyId)}`);
        if (!this.#structured(r, cmd.output)) this.io.out(`EAB key ${r.keyId} revoked\n`);
        return 0;
      }
      case 'history': {
        const r = await this.api.request<Obj>(
          'GET',
          `/v1/namespaces/${enc(ns)}/credentials/${enc(cmd.name)}/history?limit=1000`,
        );
        if (this.#structured(r, cmd.output)) return 0;
        const items: Obj[] = r.items ?? [];
        if (items.length === 0) this.io.err(`No history for ${ns}/${cmd.name}.\n`);
        else this.#table(historyView(items));
        return 0;
      }
      case 'audit-log': {
        const q = new URLSearchParams({
          ...cmd.query,
          ...(cmd.namespace ? { namespace: cmd.namespace } : {}),
        });
        const r = await this.api.request<Obj>('GET', `/v1/audit/events${q.size ? `?${q}` : ''}`);
        if (this.#structured(r, cmd.output)) return 0;
        const items = (r.items ?? []) as Obj[];
        if (items.length === 0) this.io.err('No audit events.\n');
        else this.#table(auditLogView(items, cmd.output.kind === 'wide'));
        if (r.metadata?.continue)
          this.io.err('More events are older: narrow --since/--until or raise --limit.\n');
        return 0;
      }
      case 'audit-verify': {
        const r = await this.api.request<Obj>('POST', '/v1/audit/verify', {
          json: cmd.namespace ? { namespace: cmd.namespace } : {},
        });
        if (this.#structured(r, cmd.output)) return r.ok ? 0 : 1;
        this.io.out(auditVerifyText(r, (word, colour) => paint(word, colour, this.io.isTTY)));
        return r.ok ? 0 : 1;
      }
      case 'proxy-status': {
        const q = cmd.namespace ? `?namespace=${enc(cmd.namespace)}` : '';
        const r = await this.api.request<Obj>('GET', `/v1/proxies${q}`);
        if (this.#structured(r, cmd.output)) return 0;
        const view = proxyStatusView(r.items ?? []);
        view.rows = view.rows.map((row) => row.map((c) => this.#statusColour(c)));
        if (view.rows.length === 0) this.io.err('No proxies connected.\n');
        else this.#table(view);
        return 0;
      }
      case 'status': {
        const params = new URLSearchParams();
        if (cmd.namespace) params.set('namespace', cmd.namespace);
        if (cmd.resource && cmd.resource !== 'secrets' && cmd.resource !== 'certificates')
          params.set(
            'kind',
            {
              gateways: 'Gateway',
              virtualservices: 'VirtualService',
              serviceentries: 'ServiceEntry',
              referencegrants: 'ReferenceGrant',
            }[cmd.resource],
          );
        if (cmd.name) params.set('name', cmd.name);
        const r = await this.api.request<Obj>('GET', `/v1/status?${params}`);
        if (this.#structured(r, cmd.output)) return 0;
        this.#table({
          headers: ['RESOURCE', 'ACCEPTED', 'CONDITIONS'],
          rows: (r.items ?? []).map((s: Obj) => [
            s.resource,
            paint(String(s.accepted), s.accepted ? 'green' : 'red', this.io.isTTY),
            (s.conditions ?? [])
              .map((c: Obj) => `${c.field}: ${c.message}${c.code ? ` (${c.code})` : ''}`)
              .join('; ') || '-',
          ]),
        });
        return 0;
      }
    }
  }

  async #read(file: string): Promise<string> {
    try {
      return file === '-' ? await this.io.readStdin() : await this.io.readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(
        `error: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
        2,
      );
    }
  }

  async #create(ns: string, name: string, type: string, data: Record<string, string>): Promise<number> {
    const existing = await this.api.raw('GET', `/v1/namespaces/${enc(ns)}/secrets/${enc(name)}`);
    if (existing.status === 200)
      throw new CliError(`Error from server (AlreadyExists): secrets "${name}" already exists`, 1);
    if (existing.status !== 404) throw new ApiRequestError(existing.status, existing.body as Obj);
    const manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type, data };
    await this.api.request('PUT', `/v1/namespaces/${enc(ns)}/secrets/${enc(name)}`, { json: manifest });
    this.io.out(`secret/${name} created\n`);
    return 0;
  }

  /** Files, directories (their .yaml/.yml/.json files) or stdin. */
  async #manifestTexts(files: string[]): Promise<Array<{ file: string; text: string }>> {
    const out: Array<{ file: string; text: string }> = [];
    for (const f of files) {
      const entries = f === '-' ? undefined : await this.io.listDir(f).catch(() => undefined);
      if (entries) {
        for (const e of entries.filter((n) => /\.(ya?ml|json)$/.test(n)))
          out.push({ file: e, text: await this.#read(e) });
      } else out.push({ file: f, text: await this.#read(f) });
    }
    return out;
  }

  async #apply(files: string[], namespace: string | undefined, dryRun?: 'server'): Promise<number> {
    let failed = false;
    const suffix = dryRun ? ' (server dry run)' : '';
    for (const { file, text } of await this.#manifestTexts(files)) {
      const q = new URLSearchParams({
        ...(namespace ? { namespace } : {}),
        ...(dryRun ? { dryRun: 'All' } : {}),
      }).toString();
      const r = await this.api.raw('POST', `/v1/apply${q ? `?${q}` : ''}`, { text });
      const body = (r.body ?? {}) as Obj;
      if (!Array.isArray(body.items)) {
        if (r.status === 400)
          throw new CliError(`error: ${file}: ${new ApiRequestError(r.status, body).message}`, 2);
        throw new ApiRequestError(r.status, body);
      }
      for (const item of body.items as Obj[]) {
        const plural = PLURAL_OF_KIND[item.kind];
        const label = plural
          ? qualified(plural, item.name)
          : `${String(item.kind).toLowerCase()}/${item.name}`;
        if (item.error) {
          failed = true;
          const status =
            { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, unavailable: 503 }[
              item.error.code as string
            ] ?? 500;
          this.io.err(
            `${new ApiRequestError(status, { ...item.error, message: `error when applying ${label}: ${item.error.message}` }).message}\n`,
          );
        } else {
          this.io.out(`${label} ${OUTCOME_WORD[item.outcome] ?? item.outcome}${suffix}\n`);
          for (const w of applyWarnings(item)) this.io.err(`Warning: ${w}\n`);
        }
      }
    }
    return failed ? 1 : 0;
  }

  /**
   * istioctl analyze for keyway: every file in one request (a VirtualService in one file may name a
   * Gateway in another), one line per finding, exit 1 when any is an Error. Nothing found prints
   * nothing, so a clean CI log stays clean.
   */
  async #analyze(cmd: Extract<Command, { verb: 'analyze' }>): Promise<number> {
    const texts = await this.#manifestTexts(cmd.files);
    const q = cmd.namespace ? `?namespace=${enc(cmd.namespace)}` : '';
    const r = await this.api.request<Obj>('POST', `/v1/analyze${q}`, {
      text: texts.map((t) => t.text).join('\n---\n'),
    });
    const findings = (Array.isArray(r.findings) ? r.findings : []) as Finding[];
    if (!this.#structured(r, cmd.output)) for (const f of findings) this.io.out(`${formatFinding(f)}\n`);
    return hasErrors(findings) ? 1 : 0;
  }

  /** Fetches what the object is and what refers to it, then prints it the way kubectl describe does. */
  async #describe(cmd: Extract<Command, { verb: 'describe' }>, ns: string): Promise<number> {
    const one = async (plural: string): Promise<Obj | undefined> => {
      const r = await this.api.raw('GET', `/v1/namespaces/${enc(ns)}/${plural}/${enc(cmd.name)}`);
      if (r.status === 404) return undefined;
      if (r.status >= 400) throw new ApiRequestError(r.status, r.body as Obj);
      return r.body as Obj;
    };
    const all = async (plural: string): Promise<Obj[]> =>
      ((await this.api.request<Obj>('GET', `/v1/resources/${plural}?limit=1000`)).items ?? []) as Obj[];
    const statusOf = async (kind: string): Promise<Obj | undefined> => {
      const q = new URLSearchParams({ kind, namespace: ns, name: cmd.name });
      return ((await this.api.request<Obj>('GET', `/v1/status?${q}`)).items ?? [])[0] as Obj | undefined;
    };
    const notFound = () => {
      this.io.err(`Error from server (NotFound): ${cmd.kind} "${cmd.name}" not found\n`);
      return 1;
    };
    const now = this.io.now();
    switch (cmd.kind) {
      case 'secrets': {
        const secret = await one('secrets');
        if (!secret) return notFound();
        const [gateways, proxies, history] = await Promise.all([
          all('gateways'),
          this.api.request<Obj>('GET', `/v1/proxies?namespace=${enc(ns)}`),
          this.api.request<Obj>(
            'GET',
            `/v1/namespaces/${enc(ns)}/credentials/${enc(cmd.name)}/history?limit=1000`,
          ),
        ]);
        this.io.out(
          describeSecret({
            secret,
            gateways,
            proxies: proxies.items ?? [],
            history: history.items ?? [],
            now,
          }),
        );
        return 0;
      }
      case 'gateways': {
        const gateway = await one('gateways');
        if (!gateway) return notFound();
        const [virtualServices, secrets, status] = await Promise.all([
          all('virtualservices'),
          this.api.request<Obj>('GET', `/v1/namespaces/${enc(ns)}/secrets?limit=1000`),
          statusOf('Gateway'),
        ]);
        this.io.out(describeGateway({ gateway, virtualServices, secrets: secrets.items ?? [], status }));
        return 0;
      }
      case 'virtualservices': {
        const vs = await one('virtualservices');
        if (!vs) return notFound();
        const [gateways, status] = await Promise.all([all('gateways'), statusOf('VirtualService')]);
        this.io.out(describeVirtualService(vs, gateways, status));
        return 0;
      }
      case 'certificates': {
        const cert = await one('certificates');
        if (!cert) return notFound();
        this.io.out(describeCertificate(cert, now));
        return 0;
      }
      case 'proxies': {
        const r = await this.api.request<Obj>('GET', `/v1/proxies?namespace=${enc(ns)}`);
        const proxy = ((r.items ?? []) as Obj[]).find((p) => p.nodeId === cmd.name);
        if (!proxy) return notFound();
        this.io.out(describeProxy(proxy));
        return 0;
      }
    }
  }

  async #proxySecrets(cmd: Extract<Command, { verb: 'proxy-config-secret' }>, ns: string): Promise<number> {
    const r = await this.api.request<Obj>('GET', `/v1/proxies?namespace=${enc(ns)}`);
    const proxy = ((r.items ?? []) as Obj[]).find((p) => p.nodeId === cmd.proxy);
    if (!proxy) {
      this.io.err(
        `Error: proxy ${cmd.proxy} is not connected in namespace ${ns} (see keyway proxy-status)\n`,
      );
      return 1;
    }
    const credentials = ((await this.api.request<Obj>('GET', `/v1/namespaces/${enc(ns)}/credentials`))
      .items ?? []) as Obj[];
    const histories = new Map<string, Obj[]>();
    for (const c of credentials) {
      const h = await this.api.request<Obj>(
        'GET',
        `/v1/namespaces/${enc(ns)}/credentials/${enc(String(c.name))}/history?limit=1000`,
      );
      histories.set(String(c.name), (h.items ?? []) as Obj[]);
    }
    const view = proxySecretsView(proxy, credentials, (name) => histories.get(name) ?? [], this.io.now());
    if (
      this.#structured(
        {
          proxy: proxy.nodeId,
          secrets: view.rows.map((row) => Object.fromEntries(view.headers.map((h, i) => [h, row[i]]))),
        },
        cmd.output,
      )
    )
      return 0;
    if (view.rows.length === 0) this.io.err(`No secrets sent to ${cmd.proxy}.\n`);
    else
      this.#table({
        headers: view.headers,
        rows: view.rows.map((row) => row.map((c) => this.#statusColour(c))),
      });
    return 0;
  }

  async #proxyConfig(cmd: Extract<Command, { verb: 'proxy-config' }>, ns: string): Promise<number> {
    const r = await this.api.request<Obj>(
      'GET',
      `/v1/namespaces/${enc(ns)}/proxies/${enc(cmd.proxy)}/config/${cmd.type}`,
    );
    if (this.#structured(r, cmd.output)) return 0;
    const resources = (r.resources ?? []) as Obj[];
    const st = (r.status ?? {}) as Obj;
    // The type's sync state first, on stderr, so the table stays a table for scripts.
    this.io.err(
      `${cmd.type}s of ${cmd.proxy}: ${st.status ?? '?'} (acked ${st.acked ?? '-'}, current ${st.current ?? '-'})\n`,
    );
    if (resources.length === 0) this.io.err(`No ${cmd.type}s served to ${cmd.proxy}.\n`);
    else this.#table(proxyConfigView(cmd.type, resources));
    if (r.omitted) this.io.err(`... and ${r.omitted} more (-o json shows the first ${resources.length})\n`);
    return 0;
  }

  async #delete(cmd: Extract<Command, { verb: 'delete' }>, ns: string): Promise<number> {
    const targets: Array<{ resource: ManagedResource; namespace: string; name: string }> = [];
    if (cmd.files.length > 0) {
      for (const { file, text } of await this.#manifestTexts(cmd.files)) {
        let docs: unknown[];
        try {
          docs = YAML.parseAllDocuments(text).map((d) => d.toJS() as unknown);
        } catch (e) {
          throw new CliError(`error: ${file}: ${(e as Error).message}`, 2);
        }
        for (const d of docs.filter((x): x is Obj => x !== null && typeof x === 'object')) {
          const resource = PLURAL_OF_KIND[d.kind];
          if (!resource) {
            this.io.err(`warning: skipping ${d.kind}/${d.metadata?.name}: not a kind keyway manages\n`);
            continue;
          }
          targets.push({ resource, namespace: d.metadata?.namespace ?? ns, name: d.metadata?.name });
        }
      }
    } else for (const name of cmd.names) targets.push({ resource: cmd.resource!, namespace: ns, name });
    let failed = false;
    for (const t of targets) {
      const q = cmd.ignoreNotFound ? '?ignoreNotFound=true' : '';
      const r = await this.api.raw(
        'DELETE',
        `/v1/namespaces/${enc(t.namespace)}/${t.resource}/${enc(t.name)}${q}`,
      );
      if (r.status === 404 && !cmd.ignoreNotFound) {
        failed = true;
        this.io.err(`Error from server (NotFound): ${t.resource} "${t.name}" not found\n`);
      } else if (r.status >= 400) throw new ApiRequestError(r.status, r.body as Obj);
      else if ((r.body as Obj)?.deleted !== false)
        this.io.out(`${SINGULAR[t.resource].name} "${t.name}" deleted\n`);
    }
    return failed ? 1 : 0;
  }

  async #get(cmd: Extract<Command, { verb: 'get' }>, ns: string): Promise<number> {
    const local = cmd.resource === 'services' || cmd.resource === 'pods';
    const base = local
      ? `/api/v1/namespaces/${enc(ns)}/${cmd.resource}`
      : `/v1/namespaces/${enc(ns)}/${cmd.resource}`;
    if (cmd.names.length > 0) {
      const objects: Obj[] = [];
      let failed = false;
      for (const name of cmd.names) {
        const r = await this.api.raw('GET', `${base}/${enc(name)}`);
        if (r.status === 404) {
          failed = true;
          this.io.err(`Error from server (NotFound): ${cmd.resource} "${name}" not found\n`);
        } else if (r.status >= 400) throw new ApiRequestError(r.status, r.body as Obj);
        else objects.push(r.body as Obj);
      }
      if (objects.length > 0)
        this.#print(
          cmd.resource,
          objects.length === 1 ? objects[0] : listOf(objects),
          objects,
          cmd.output,
          false,
        );
      return failed ? 1 : 0;
    }
    const items: Obj[] = [];
    const all = cmd.allNamespaces && !local;
    let cursor: string | undefined;
    do {
      const params = new URLSearchParams({ limit: '1000' });
      if (cursor) params.set('cursor', cursor);
      if (cmd.selector) params.set('labelSelector', cmd.selector);
      const r = await this.api.request<Obj>(
        'GET',
        `${all ? `/v1/resources/${cmd.resource}` : base}?${params}`,
      );
      items.push(...(r.items ?? []));
      cursor = r.metadata?.continue;
    } while (cursor);
    if (items.length === 0 && (cmd.output.kind === 'table' || cmd.output.kind === 'wide')) {
      this.io.err(all ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`);
      return 0;
    }
    this.#print(cmd.resource, listOf(items), items, cmd.output, all);
    return 0;
  }

  #print(resource: string, value: Obj, items: Obj[], output: OutputFormat, allNamespaces: boolean): void {
    if (this.#structured(value, output)) return;
    if (output.kind === 'name') {
      const singular = resource.replace(/ies$/, 'y').replace(/s$/, '');
      for (const o of items) this.io.out(`${singular}/${o.metadata?.name}\n`);
      return;
    }
    this.#table(tableView(resource, items, this.io.now(), allNamespaces, output.kind === 'wide'));
  }

  /** -o json|yaml|jsonpath: true when it printed. */
  #structured(value: unknown, output: OutputFormat): boolean {
    if (output.kind === 'json') this.io.out(JSON.stringify(value, null, 2) + '\n');
    else if (output.kind === 'yaml') this.io.out(YAML.stringify(value));
    else if (output.kind === 'jsonpath') this.io.out(jsonPath(output.template, value));
    else return false;
    return true;
  }

  #table(view: { headers: string[]; rows: string[][] }): void {
    this.io.out(formatTable(view.headers, view.rows));
  }

  #statusColour(cell: string): string {
    const c = { SYNCED: 'green', STALE: 'yellow', 'NOT SENT': 'yellow', NACKED: 'red' }[cell] as
      'green' | undefined;
    return c ? paint(cell, c, this.io.isTTY) : cell;
  }
}

/**
 * What kubectl prints as `Warning: ...` after an apply: the api's warnings (expiring soon, a copy
 * shadowed by another source) and the conditions compilation put on the object (a refused server
 * or route stays stored but does not serve), each with its code.
 */
export function applyWarnings(item: Obj): string[] {
  const out = Array.isArray(item.warnings) ? item.warnings.map(String) : [];
  const conditions: Obj[] = Array.isArray(item.status?.conditions) ? item.status.conditions : [];
  for (const c of conditions) {
    const where = [item.status?.resource, c.field].filter(Boolean).join(': ');
    const verdict = c.severity === 'error' ? 'not served: ' : '';
    out.push(`${where}: ${verdict}${c.message}${c.code ? ` (${c.code})` : ''}`);
  }
  return out;
}

function listOf(items: Obj[]): Obj {
  return { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
}
