/*
 * Parts that every resource repeats are encoded once (envoy-api's EncodedMessage) and shared. They
 * are made on first use rather than at import, because Envoy's protos load lazily.
 */

/** `make()` on the first call, the same value after. */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** `make(key)` on the first call with each key (a port, a TLS version), the same value after. */
export function oncePer<K, T>(make: (key: K) => T): (key: K) => T {
  const made = new Map<K, T>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}
