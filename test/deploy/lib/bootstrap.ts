import type protobuf from 'protobufjs';
import { readMessageJson, type AnyTypeUse, type EnvoyViolation } from '#keyway/testing';
import { readYaml } from './repo.js';

export const BOOTSTRAP_TYPE = 'envoy.config.bootstrap.v3.Bootstrap';
export const BOOTSTRAP_TYPE_URL = `type.googleapis.com/${BOOTSTRAP_TYPE}`;

/** The Envoy bootstraps keyway ships, with where each expects to reach the sds-server. */
export const BOOTSTRAPS = [
  { file: 'deploy/envoy/bootstrap.compose.yaml', sdsHost: 'sds-server', pkiDir: '/etc/keyway/pki' },
  {
    file: 'k8s/base/gateway/envoy-bootstrap.yaml',
    sdsHost: 'sds-server.keyway.svc.cluster.local',
    pkiDir: '/etc/keyway/pki',
  },
] as const;

export interface ReadBootstrap {
  json: Record<string, unknown>;
  object: Record<string, unknown>;
  problems: EnvoyViolation[];
  anyTypes: AnyTypeUse[];
}

export function readBootstrap(file: string, root: protobuf.Root): ReadBootstrap {
  const json = readYaml(file) as Record<string, unknown>;
  const { object, violations, anyTypes } = readMessageJson(root.lookupType(BOOTSTRAP_TYPE), json);
  return { json, object, problems: violations, anyTypes };
}

/** Decoded view with Any values expanded (protobufjs expands them when `json` is set). */
export function decodeBootstrap(root: protobuf.Root, bytes: Uint8Array): any {
  const type = root.lookupType(BOOTSTRAP_TYPE);
  return type.toObject(type.decode(bytes), {
    json: true,
    enums: String,
    longs: String,
    defaults: false,
  });
}
