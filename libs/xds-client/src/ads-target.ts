/**
 * The gRPC target for one or several ADS servers (`XDS_ADDRESS`): `host:port`, a comma-separated list
 * of IPv4 `ip:port` (grpc-js's `ipv4:` resolver: one channel over all of them, so when the server in use
 * goes away the next reconnect goes to another at once), or a `dns:///name:port` target whose name
 * resolves to every sds-server replica (a headless Service). Pure; throws a message naming the value.
 */
export function adsTarget(spec: string): string {
  const value = spec.trim();
  if (/^(dns|ipv4|ipv6|unix):/.test(value)) return value;
  const parts = value.split(',').map((p) => p.trim());
  for (const p of parts)
    if (!/^[^\s:,]+:\d{1,5}$/.test(p)) throw new Error(`XDS_ADDRESS: ${JSON.stringify(p)} is not host:port`);
  if (parts.length === 1) return parts[0];
  const notIp = parts.find((p) => !/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(p));
  if (notIp)
    throw new Error(
      `XDS_ADDRESS: several servers must be IPv4 ip:port (${JSON.stringify(notIp)} is not); for a name with several addresses use dns:///name:port`,
    );
  return `ipv4:${parts.join(',')}`;
}
