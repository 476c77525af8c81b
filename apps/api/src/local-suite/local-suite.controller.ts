import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { Caller, requireAdmin, requireAllowed } from '../auth/caller.js';
import type { Principal } from '../auth/principal.js';
import type { ApiConfig } from '../config.js';
import { ApiError } from '../http-errors.js';
import { CONFIG } from '../tokens.js';
import {
  CONTAINER_LOGS,
  ingressPod,
  type SuiteRestarts,
  ingressService,
  linesFor,
  matchesSelector,
  tail,
  type IngressSettings,
} from './ingress-objects.js';

type Obj = Record<string, unknown>;
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

function tailLines(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw ApiError.invalid('tailLines: must be a whole number');
  return n;
}

/**
 * The local suite seen as Kubernetes: the gateway as the `istio-ingressgateway` Service and Pod,
 * and service logs from LOG_DIR (where `npm start` writes them).
 */
@Controller()
export class LocalSuiteController {
  readonly #settings: IngressSettings;

  constructor(@Inject(CONFIG) private readonly config: ApiConfig) {
    this.#settings = {
      namespace: config.GATEWAY_NAMESPACE,
      serviceName: 'istio-ingressgateway',
      podName: config.GATEWAY_POD_NAME,
      host: config.GATEWAY_HOST,
      httpsPort: config.GATEWAY_HTTPS_PORT,
      httpPort: config.GATEWAY_HTTP_PORT,
      labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      startedAt: new Date().toISOString(),
    };
  }

  #objects(ns: string, which: 'services' | 'pods', selector?: string): Obj[] {
    if (ns !== this.#settings.namespace || !matchesSelector(this.#settings.labels, selector)) return [];
    return [
      which === 'services' ? ingressService(this.#settings) : ingressPod(this.#settings, this.#restarts()),
    ];
  }

  /** What the local supervisor recorded (npm start); nothing when the suite is not supervised. */
  #restarts(): SuiteRestarts {
    try {
      const state = JSON.parse(
        fs.readFileSync(path.join(this.config.LOG_DIR, 'supervisor.json'), 'utf8'),
      ) as {
        processes?: Record<string, { restarts?: number }>;
      };
      return Object.fromEntries(
        Object.entries(state.processes ?? {}).map(([k, v]) => [k, Number(v.restarts ?? 0)]),
      );
    } catch {
      return {};
    }
  }

  #one(ns: string, which: 'services' | 'pods', name: string): Obj {
    const found = this.#objects(ns, which).find((o) => (o.metadata as Obj).name === name);
    if (!found)
      throw ApiError.notFound(`${which === 'services' ? 'service' : 'pod'} ${ns}/${name} not found`);
    return found;
  }

  @Get('api/v1/namespaces/:namespace/services')
  services(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Query('labelSelector') selector?: string,
  ): Obj {
    requireAllowed(caller, 'read', ns);
    return { apiVersion: 'v1', kind: 'List', items: this.#objects(ns, 'services', selector), metadata: {} };
  }

  @Get('api/v1/namespaces/:namespace/services/:name')
  service(@Caller() caller: Principal, @Param('namespace') ns: string, @Param('name') name: string): Obj {
    requireAllowed(caller, 'read', ns);
    return this.#one(ns, 'services', name);
  }

  @Get('api/v1/namespaces/:namespace/pods')
  pods(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Query('labelSelector') selector?: string,
  ): Obj {
    requireAllowed(caller, 'read', ns);
    return { apiVersion: 'v1', kind: 'List', items: this.#objects(ns, 'pods', selector), metadata: {} };
  }

  @Get('api/v1/namespaces/:namespace/pods/:name')
  pod(@Caller() caller: Principal, @Param('namespace') ns: string, @Param('name') name: string): Obj {
    requireAllowed(caller, 'read', ns);
    return this.#one(ns, 'pods', name);
  }

  /** istio-proxy: the gateway's log; ingress-sds: the sds-server's lines about this gateway. */
  @Get('api/v1/namespaces/:namespace/pods/:name/log')
  @Header('content-type', 'text/plain; charset=utf-8')
  async podLog(
    @Caller() caller: Principal,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Query('container') container: string | undefined,
    @Query('tailLines') tailRaw: string | undefined,
  ): Promise<string> {
    requireAllowed(caller, 'read', ns);
    this.#one(ns, 'pods', name);
    const c = container ?? 'istio-proxy';
    const service = CONTAINER_LOGS[c];
    if (!service)
      throw ApiError.invalid(
        `container ${c} is not valid for pod ${name}: one of ${Object.keys(CONTAINER_LOGS).join(', ')}`,
      );
    const text = await this.#read(service);
    const lines =
      c === 'ingress-sds' ? linesFor(text, [ns, name]) : text.split('\n').filter((l) => l.length > 0);
    return joinLines(tail(lines, tailLines(tailRaw)));
  }

  @Get('v1/logs/:service')
  @Header('content-type', 'text/plain; charset=utf-8')
  async serviceLog(
    @Caller() caller: Principal,
    @Param('service') service: string,
    @Query('tailLines') tailRaw?: string,
  ): Promise<string> {
    requireAdmin(caller);
    if (!SERVICE_NAME.test(service))
      throw ApiError.invalid(`service ${JSON.stringify(service)}: not a service name`);
    const lines = (await this.#read(service)).split('\n').filter((l) => l.length > 0);
    return joinLines(tail(lines, tailLines(tailRaw)));
  }

  async #read(service: string): Promise<string> {
    const file = path.join(this.config.LOG_DIR, `${service}.log`);
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw ApiError.notFound(`no log for ${service} (${file})`);
      throw e;
    }
  }
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
