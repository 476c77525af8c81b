import type protobuf from 'protobufjs';

export const ANY = 'google.protobuf.Any';

/**
 * The message type an `Any` names, looked up in the root its container came from (Envoy's, or a
 * test's own); undefined when that root does not load it, as Envoy would then refuse the config.
 */
export function anyTarget(root: protobuf.Root, typeUrl: string): protobuf.Type | undefined {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  if (!name) return undefined;
  try {
    return root.lookupType(name);
  } catch {
    return undefined;
  }
}
