import { encodeMessage, envoyRoot } from '#keyway/envoy-api';
import { bootstrapRoot } from './lib/envoy-root.js';
import { BOOTSTRAP_TYPE, BOOTSTRAP_TYPE_URL, BOOTSTRAPS, readBootstrap } from './lib/bootstrap.js';

// Kept apart from envoy-bootstrap.e2e-spec.ts: it fails until libs/envoy-api/src/proto-files.ts
// loads every type the bootstraps pack in an Any, and then passes
// with no change here.
describe.each(BOOTSTRAPS)('#keyway/envoy-api covers the types of $file', ({ file }) => {
  it('loads every type the bootstrap packs in an Any', () => {
    const { anyTypes } = readBootstrap(file, bootstrapRoot());
    expect(anyTypes.length).toBeGreaterThan(0);
    const missing = anyTypes.filter(({ typeUrl }) => {
      try {
        envoyRoot().lookupType(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });

  it('encodes the same bytes as the full bootstrap proto set (no Any silently emptied)', () => {
    const { object } = readBootstrap(file, bootstrapRoot());
    const type = bootstrapRoot().lookupType(BOOTSTRAP_TYPE);
    const full = Buffer.from(type.encode(type.fromObject(object)).finish());
    expect(encodeMessage(BOOTSTRAP_TYPE_URL, object).equals(full)).toBe(true);
  });
});
