import { Subjects } from '#keyway/contracts';
import type { CommandSender } from '../forwarder.js';

const ISSUER_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Which issuers have an ACME directory: every CA the ca knows, read from `keyway.ca.list` and kept
 * `ttlMs`, so a directory for a new CA appears within that time and an unknown name costs no round trip.
 */
export class IssuerDirectory {
  #names = new Set<string>();
  #until = 0;
  #loading: Promise<void> | null = null;

  constructor(
    private readonly commands: CommandSender,
    private readonly ttlMs = 30_000,
  ) {}

  async exists(name: string): Promise<boolean> {
    if (name.length > 253 || !ISSUER_NAME.test(name)) return false;
    if (
      Date.now() >= this.#until ||
      (!this.#names.has(name) && Date.now() >= this.#until - this.ttlMs + 2000)
    )
      await this.#refresh();
    return this.#names.has(name);
  }

  async #refresh(): Promise<void> {
    this.#loading ??= (async () => {
      try {
        const r = await this.commands.send<unknown>(Subjects.ca.list, { schemaVersion: 1 });
        if (r.ok) {
          const items = Array.isArray(r.result)
            ? r.result
            : ((r.result as { items?: unknown[] })?.items ?? []);
          this.#names = new Set(items.map((a) => String((a as { name?: unknown }).name)));
          this.#until = Date.now() + this.ttlMs;
        }
      } finally {
        this.#loading = null;
      }
    })();
    await this.#loading;
  }
}
