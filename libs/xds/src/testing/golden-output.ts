import { decodeMessage } from '#keyway/envoy-api';
import { SNAPSHOT_TYPE_URLS, type XdsSnapshot } from '../translate-ir.js';

/** The keys of a `<case>.out.json` that the IR -> xDS stage makes; the rest (statuses) is the IR's. */
export const XDS_GOLDEN_KEYS: readonly string[] = [...SNAPSHOT_TYPE_URLS, 'versions'];

/**
 * The xDS part of a golden output: per type, each resource decoded from its bytes (so the file shows
 * what Envoy receives) keyed by name, and the type versions (hashes of the bytes, so a change the
 * decoded form would hide still shows).
 */
export function xdsGoldenOutput(snapshot: XdsSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of SNAPSHOT_TYPE_URLS) {
    out[t] = Object.fromEntries(snapshot.resources[t].map((r) => [r.name, decodeMessage(t, r.bytes)]));
  }
  out.versions = snapshot.versions;
  return out;
}
