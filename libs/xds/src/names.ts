import { encodedMessage, type EncodedMessage } from '#keyway/envoy-api';
import { once } from './encoded-once.js';
import { envoyEnum, Enums } from './envoy-enum.js';
import type { IrDestination, IrRouteTableRef } from '#keyway/ir';

/** istiod's names, so Envoy users see what they know. */
export function listenerName(port: number): string {
  return `0.0.0.0_${port}`;
}

export function routeConfigName(table: IrRouteTableRef): string {
  if (table.kind === 'http' || !table.server) return `http.${table.port}`;
  const s = table.server;
  return `https.${table.port}.${s.portName}.${s.gateway}.${s.namespace}`;
}

export function clusterName(d: IrDestination): string {
  return `outbound|${d.port}||${d.host}`;
}

export function sdsSecretName(credentialName: string): string {
  return `kubernetes://${credentialName}`;
}

/** Everything is delivered over the one ADS stream the proxy opened (encoded once: every resource has it). */
export const adsConfigSource: () => EncodedMessage = once(() =>
  encodedMessage('envoy.config.core.v3.ConfigSource', {
    ads: {},
    resource_api_version: envoyEnum(Enums.apiVersion, 'V3'),
  }),
);

export function durationOf(ms: number): { seconds: number; nanos?: number } {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return nanos > 0 ? { seconds, nanos } : { seconds };
}
