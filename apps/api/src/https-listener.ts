import https from 'node:https';
import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import { readTlsFiles, TlsFileReloader, type ConfigProblem, type TlsFilePaths } from '#keyway/config';

export const HTTPS_VARIABLES = ['HTTPS_PORT', 'HTTPS_CERT_FILE', 'HTTPS_KEY_FILE'] as const;

/** The api's HTTPS variables: all three or none (some without the others is a mistake, not "off"). */
export function httpsProblems(c: {
  HTTPS_PORT?: number;
  HTTPS_CERT_FILE?: string;
  HTTPS_KEY_FILE?: string;
}): ConfigProblem[] {
  const set = HTTPS_VARIABLES.filter((v) => c[v] !== undefined);
  if (set.length === 0 || set.length === HTTPS_VARIABLES.length) return [];
  return HTTPS_VARIABLES.filter((v) => !set.includes(v)).map((variable) => ({
    variable,
    message: `is required with ${set.join(' and ')}: the HTTPS listener needs ${HTTPS_VARIABLES.join(', ')}`,
  }));
}

type ServerTlsFiles = { cert: Buffer; key: Buffer };

export interface HttpsListenerOptions {
  port: number;
  host: string;
  certFile: string;
  keyFile: string;
  /** How often the files are re-read (a renewed certificate); 0: read once at start. */
  reloadSeconds: number;
}

/**
 * The api's routes over HTTPS beside its plain port: ACME clients (RFC 8555 §6.1) and anyone outside
 * the cluster reach the same Express app over TLS. The certificate and key are re-read while serving
 * (cert-manager renews them), with the sds-server's reloader.
 */
export async function startHttpsListener(
  app: RequestListener,
  o: HttpsListenerOptions,
  logger: Logger,
): Promise<{ port: number; close(): Promise<void> }> {
  const paths: TlsFilePaths<ServerTlsFiles> = { cert: o.certFile, key: o.keyFile };
  const files = readTlsFiles<ServerTlsFiles>(paths);
  const server = https.createServer({ cert: files.cert, key: files.key, minVersion: 'TLSv1.2' }, app);
  const reloader = new TlsFileReloader<ServerTlsFiles>(
    'api HTTPS files',
    paths,
    files,
    // createSecureContext throws on a key that does not match: the reloader keeps the old pair then.
    (next) => server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' }),
    logger,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  reloader.start(o.reloadSeconds * 1000);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        reloader.stop();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
