import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';

/** A server's TLS material as read from files: certificate, key, and whatever else it serves with. */
export type TlsFiles = Record<string, Buffer | undefined>;
/** Where each part of `F` is read from; an optional part may have no file. */
export type TlsFilePaths<F extends TlsFiles> = {
  [K in keyof F]: undefined extends F[K] ? string | undefined : string;
};

export function readTlsFiles<F extends TlsFiles>(paths: TlsFilePaths<F>): F {
  const files: TlsFiles = {};
  for (const [part, file] of Object.entries(paths) as Array<[string, string | undefined]>)
    files[part] = file ? readFileSync(file) : undefined;
  return files as F;
}

function changedParts(before: TlsFiles, after: TlsFiles): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((p) => {
    const a = before[p];
    const b = after[p];
    return a === undefined || b === undefined ? a !== b : !a.equals(b);
  });
}

/**
 * Re-reads a server's TLS files on a period and hands over what changed: cert-manager renews server
 * certificates and CAs publish new CRLs while servers run, and neither may need a restart. Content is
 * compared, not timestamps, because Kubernetes updates a Secret volume by swapping a symlink. A
 * half-written or mismatched set is logged and skipped; the previous files keep serving until a good
 * set appears. Contents are never logged. Used by the sds-server's mTLS port and the api's HTTPS port.
 */
export class TlsFileReloader<F extends TlsFiles> {
  #current: F;
  #timer: NodeJS.Timeout | undefined;

  /** `what` names the files in log lines, e.g. "xds TLS files". */
  constructor(
    private readonly what: string,
    private readonly paths: TlsFilePaths<F>,
    initial: F,
    private readonly apply: (files: F) => void,
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
    let next: F;
    try {
      next = readTlsFiles<F>(this.paths);
    } catch (e) {
      this.logger.warn(
        { error: e instanceof Error ? e.message : String(e) },
        `${this.what} unreadable; the previous ones keep serving`,
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
        `${this.what} changed but cannot be used; the previous ones keep serving`,
      );
      return false;
    }
    this.#current = next;
    this.logger.info({ changed }, `${this.what} reloaded: new handshakes use them`);
    return true;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
