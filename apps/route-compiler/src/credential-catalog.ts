import { parseCredentialKey } from '#keyway/contracts';
import type { KeyEvent } from '#keyway/messaging';

/**
 * Which credentials (SDS names) exist, per namespace: the credentials bucket's keys, never its
 * values. The compiler drops a Gateway server whose credential is missing, alone, instead of letting
 * the proxy hold its whole port until the credential arrives (Envoy warms a listener until every
 * secret it names exists: one team's typo would stall every team's change on a shared port).
 *
 * A namespace's set is replaced, never changed in place, and only when its contents change: the
 * compiler memoizes on the set's identity, so an unrelated namespace's change rebuilds nothing.
 */
export class CredentialCatalog {
  readonly #byNamespace = new Map<string, ReadonlySet<string>>();

  /** True when the namespace's set of names changed. */
  apply(event: KeyEvent): boolean {
    const { namespace, name } = parseCredentialKey(event.key);
    if (!namespace || !name) return false;
    const current = this.#byNamespace.get(namespace) ?? EMPTY;
    if (event.kind === 'put') {
      if (current.has(name)) return false;
      this.#byNamespace.set(namespace, new Set(current).add(name));
      return true;
    }
    if (!current.has(name)) return false;
    const next = new Set(current);
    next.delete(name);
    if (next.size) this.#byNamespace.set(namespace, next);
    else this.#byNamespace.delete(namespace);
    return true;
  }

  names(namespace: string): ReadonlySet<string> {
    return this.#byNamespace.get(namespace) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
