import { ErrorCodes } from './field-error.js';
import { isValidHost } from './host.js';
import { isDnsLabel, readObjectMeta, resourceId, type ObjectMeta } from './object-meta.js';
import type { FieldReader } from './reader.js';
import { readServerTls, type ServerTls } from './server-tls.js';

export const SERVER_PROTOCOLS = ['HTTP', 'HTTPS', 'GRPC', 'HTTP2', 'MONGO', 'TCP', 'TLS'] as const;
export type ServerProtocol = (typeof SERVER_PROTOCOLS)[number];

/** A Gateway host: `[namespace/]host`; the namespace part limits which VirtualServices may bind. */
export interface GatewayHost {
  /** `*` (any), `.` (the Gateway's own namespace) or a namespace name. */
  namespace: string;
  host: string;
}

export interface GatewayServer {
  index: number;
  name?: string;
  port: { number: number; name: string; protocol: ServerProtocol };
  hosts: GatewayHost[];
  tls?: ServerTls;
}

export interface Gateway {
  kind: 'Gateway';
  id: string;
  meta: ObjectMeta;
  selector: Record<string, string>;
  servers: GatewayServer[];
}

export function readGateway(r: FieldReader, obj: Record<string, unknown>): Gateway {
  const meta = readObjectMeta(r, obj.metadata);
  const spec = r.object(obj.spec, 'spec', true) ?? {};
  const selector = r.stringMap(spec.selector, 'spec.selector');
  const servers = r
    .array(spec.servers, 'spec.servers', true)
    .map((s, i) => readServer(r, s, i))
    .filter((s): s is GatewayServer => s !== undefined);
  // Route configurations are named after the port name: two servers sharing one would collide.
  const seen = new Map<string, number>();
  for (const s of servers) {
    const first = seen.get(s.port.name);
    if (first !== undefined) {
      r.fail(
        `spec.servers[${s.index}].port.name`,
        ErrorCodes.invalidValue,
        `"${s.port.name}" is already used by spec.servers[${first}]`,
      );
    } else seen.set(s.port.name, s.index);
  }
  return { kind: 'Gateway', id: resourceId('Gateway', meta), meta, selector, servers };
}

function readServer(r: FieldReader, value: unknown, index: number): GatewayServer | undefined {
  const f = `spec.servers[${index}]`;
  const s = r.object(value, f, true);
  if (!s) return undefined;
  const port = r.object(s.port, `${f}.port`, true) ?? {};
  const number = r.integer(port.number, `${f}.port.number`, 1, 65535, true) ?? 0;
  const protocolRaw = r.string(port.protocol, `${f}.port.protocol`, true);
  const protocol = protocolRaw?.toUpperCase() as ServerProtocol | undefined;
  if (protocol && !SERVER_PROTOCOLS.includes(protocol)) {
    r.fail(`${f}.port.protocol`, ErrorCodes.invalidValue, `must be one of ${SERVER_PROTOCOLS.join(', ')}`);
  }
  const name = r.string(port.name, `${f}.port.name`) ?? `${(protocol ?? 'port').toLowerCase()}-${number}`;
  const hosts = r
    .stringArray(s.hosts, `${f}.hosts`, true)
    .map((h, i) => readGatewayHost(r, h, `${f}.hosts[${i}]`));
  const tls = s.tls === undefined ? undefined : readServerTls(r, s.tls, `${f}.tls`);
  if ((protocol === 'HTTPS' || protocol === 'TLS') && !tls) {
    r.fail(`${f}.tls`, ErrorCodes.required, `is required for protocol ${protocol}`);
  }
  if (tls && tls.mode !== 'PASSTHROUGH' && protocol !== 'HTTPS' && protocol !== 'TLS' && !tls.httpsRedirect) {
    r.fail(`${f}.tls`, ErrorCodes.invalidValue, `tls mode ${tls.mode} needs protocol HTTPS or TLS`);
  }
  return {
    index,
    name: r.string(s.name, `${f}.name`),
    port: { number, name, protocol: protocol ?? 'HTTP' },
    hosts,
    tls,
  };
}

function readGatewayHost(r: FieldReader, raw: string, field: string): GatewayHost {
  const slash = raw.indexOf('/');
  const namespace = slash >= 0 ? raw.slice(0, slash) : '*';
  const host = (slash >= 0 ? raw.slice(slash + 1) : raw).toLowerCase();
  if (namespace !== '*' && namespace !== '.' && !isDnsLabel(namespace)) {
    r.fail(field, ErrorCodes.invalidValue, `namespace "${namespace}" must be *, . or a namespace name`);
  }
  if (!isValidHost(host)) r.fail(field, ErrorCodes.invalidValue, `"${host}" is not a valid host`);
  return { namespace, host };
}
