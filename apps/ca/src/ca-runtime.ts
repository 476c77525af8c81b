import type { Logger } from '#keyway/observability';
import type { CaCore } from './ca-core.js';

export interface CaRuntimeOptions {
  crlRefreshSeconds: number;
  renewalCheckSeconds: number;
}

/**
 * The service's background work: CRLs re-signed before they go stale, Certificate resources
 * renewed when due (checked at least every renewalCheckSeconds, sooner when one is due earlier).
 */
export class CaRuntime {
  #crlTimer?: NodeJS.Timeout;
  #renewTimer?: NodeJS.Timeout;
  #stopped = false;

  constructor(
    private readonly core: CaCore,
    private readonly logger: Logger,
    private readonly options: CaRuntimeOptions,
  ) {}

  async start(): Promise<void> {
    const resealed = await this.core.authorities.resealKeys();
    if (resealed > 0) this.logger.info({ resealed }, 'CA keys re-sealed under the active master key');
    await this.#refreshCrls();
    this.#crlTimer = setInterval(() => void this.#refreshCrls(), this.options.crlRefreshSeconds * 1000);
    this.#crlTimer.unref();
    this.#scheduleRenewal(0);
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#crlTimer);
    clearTimeout(this.#renewTimer);
  }

  async #refreshCrls(): Promise<void> {
    try {
      const refreshed = await this.core.revocation.refreshAll();
      if (refreshed.length > 0) this.logger.info({ issuers: refreshed }, 'CRLs re-signed');
    } catch (e) {
      this.logger.error({ err: e }, 'CRL refresh failed');
    }
  }

  /** One renewal pass, then the next is scheduled; a failed pass is logged and retried at the cap. */
  async #renewalPass(): Promise<void> {
    let next: Date | null = null;
    try {
      next = await this.core.certificates.reconcileAll();
    } catch (e) {
      this.logger.error({ err: e }, 'Certificate renewal pass failed');
    }
    const cap = this.options.renewalCheckSeconds * 1000;
    const until = next ? Math.max(1000, next.getTime() - Date.now()) : cap;
    this.#scheduleRenewal(Math.min(cap, until));
  }

  #scheduleRenewal(delayMs: number): void {
    if (this.#stopped) return;
    this.#renewTimer = setTimeout(() => void this.#renewalPass(), delayMs);
    this.#renewTimer.unref();
  }
}
