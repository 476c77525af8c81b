import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { MutualTlsFiles } from './server-credentials.js';

export interface MutualTlsPaths {
  cert: string;
  key: string;
  clientCa: string;
  crl?: string;
}

export function readMutualTlsFiles(paths: MutualTlsPaths): MutualTlsFiles {
  return {
    cert: readFileSync(paths.cert),
    key: readFileSync(paths.key),
    clientCa: readFileSync(paths.clientCa),
    crl: paths.crl ? readFileSync(paths.crl) : undefined,
  };
}

function changedParts(before: MutualTlsFiles, after: MutualTlsFiles): string[] {
  const parts: (keyof MutualTlsFiles)[] = ['cert', 'key', 'clientCa', 'crl'];
  return parts.filter((p) => {
    const a = before[p];
    const b = after[p];
    return a === undefined || b === undefined ? a !== b : !a.equals(b);
  });
}

/**
 * Re-reads the mTLS files on a period and hands over what changed: cert-manager renews the server
 * certificate and the CA publishes new CRLs while the server runs, and a revoked proxy must be
 * refused without a restart. Content is compared, not timestamps, because Kubernetes updates a
 * Secret volume by swapping a symlink. A half-written or mismatched set is logged and skipped; the
 * previous files keep serving until a good set appears. Contents are never logged.
 */
export class TlsFileReloader {
  #current: MutualTlsFiles;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly paths: MutualTlsPaths,
    initial: MutualTlsFiles,
    private readonly apply: (files: MutualTlsFiles) => void,
    private readonly logger: Logger,
  ) {
    this.#current = initial;
  }

  start(periodMs: number): void {
    if (periodMs <= 0) return;
    this.#timer = setInterval(() => this.check(), periodMs);
    this.#timer.unref();
  }

  /** One look at the files: returns whether new ones were applied. */
  check(): boolean {
    let next: MutualTlsFiles;
    try {
      next = readMutualTlsFiles(this.paths);
    } catch (e) {
      this.logger.warn(
        { error: e instanceof Error ? e.message : String(e) },
        'xds TLS files unreadable; the previous ones keep serving',
      );
      return false;
    }
    const changed = changedParts(this.#current, next);
    if (changed.length === 0) return false;
    try {
      this.apply(next);
    } catch (e) {
      this.logger.error(
        { changed, error: e instanceof Error ? e.message : String(e) },
        'xds TLS files changed but cannot be used; the previous ones keep serving',
      );
      return false;
    }
    this.#current = next;
    this.logger.info({ changed }, 'xds TLS files reloaded: new handshakes use them');
    return true;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
