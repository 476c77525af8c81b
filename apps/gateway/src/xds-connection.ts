import fs from 'node:fs';
import { PrivateKeyPem } from '#keyway/key-material';
import type { Logger } from '#keyway/observability';
import { adsTarget, istioRouterNodeId, type XdsTransport } from '#keyway/xds-client';
import type { GatewayConfig } from './config.js';
import type { XdsConnectionOptions } from './gateway.js';

/** The ADS stream's settings from the environment: node identity, server, credentials, back-off, logging. */
export function xdsConnection(c: GatewayConfig, logger: Logger): XdsConnectionOptions {
  return {
    target: adsTarget(c.XDS_ADDRESS),
    transport: xdsTransport(c),
    identity: {
      id: istioRouterNodeId(c.GATEWAY_POD_IP, c.GATEWAY_POD_NAME, c.GATEWAY_NAMESPACE),
      namespace: c.GATEWAY_NAMESPACE,
      labels: c.GATEWAY_LABELS,
      ...(c.REPLICA_ID ? { metadata: { REPLICA_ID: c.REPLICA_ID } } : {}),
    },
    token: c.XDS_TOKEN ? () => c.XDS_TOKEN : undefined,
    backoff: { initialMs: c.XDS_BACKOFF_INITIAL_MS, maxMs: c.XDS_BACKOFF_MAX_MS },
    onEvent: (e) => {
      if (e.kind === 'nack')
        logger.warn({ typeUrl: e.typeUrl, version: e.version, reason: e.message }, 'xDS NACK sent');
      else if (e.kind === 'ack') logger.info({ typeUrl: e.typeUrl, version: e.version }, 'xDS ACK sent');
      else if (e.kind === 'disconnected')
        logger.warn(
          { reason: e.reason, retryInMs: e.retryInMs },
          'xDS stream lost; serving the last configuration',
        );
    },
  };
}

/** Plaintext (token auth) unless a CA file is given; mTLS when a client certificate and key are too. */
export function xdsTransport(c: GatewayConfig): XdsTransport {
  if (!c.XDS_CA_FILE) return { kind: 'insecure' };
  if (Boolean(c.XDS_CERT_FILE) !== Boolean(c.XDS_KEY_FILE))
    throw new Error('XDS_CERT_FILE and XDS_KEY_FILE go together');
  return {
    kind: 'tls',
    ca: fs.readFileSync(c.XDS_CA_FILE, 'utf8'),
    ...(c.XDS_CERT_FILE && c.XDS_KEY_FILE
      ? {
          certificateChain: fs.readFileSync(c.XDS_CERT_FILE, 'utf8'),
          privateKey: new PrivateKeyPem(fs.readFileSync(c.XDS_KEY_FILE, 'utf8')),
        }
      : {}),
    serverName: c.XDS_SERVER_NAME,
  };
}
