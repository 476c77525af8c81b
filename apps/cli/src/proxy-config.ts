import type { TableView } from './views.js';

type Obj = Record<string, any>;

/** `kubernetes://name` or `kubernetes://ns/name` -> the credential's name. */
function credentialName(sdsName: string): string {
  const rest = sdsName.replace(/^kubernetes:\/\//, '');
  return rest.includes('/') ? rest.slice(rest.indexOf('/') + 1) : rest;
}

/**
 * `keyway proxy-config secret PROXY`, as istioctl prints it: every secret the proxy was sent, the
 * version it ACKed with that version's serial and validity (from the credential's history), and
 * whether it holds the latest published version. Pure: the api's answers in, a table out.
 */
export function proxySecretsView(
  proxy: Obj,
  credentials: Obj[],
  history: (credential: string) => Obj[],
  now: Date,
): TableView {
  const latest = new Map(credentials.map((c) => [String(c.name), c]));
  const rows = Object.entries((proxy.secrets ?? {}) as Record<string, { sent?: string; acked?: string }>)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([sdsName, state]) => {
      const name = credentialName(sdsName);
      const current = latest.get(name);
      const latestVersion = current ? String(current.contentHash ?? '').slice(0, 16) : undefined;
      const held = state.acked
        ? history(name).find((r) => String(r.contentHash ?? '').startsWith(state.acked!))
        : undefined;
      const status = !state.acked
        ? 'NOT ACKED'
        : latestVersion === undefined
          ? 'REMOVED'
          : state.acked === latestVersion
            ? 'SYNCED'
            : 'STALE';
      const notAfter = held?.notAfter as string | undefined;
      const valid = notAfter ? (Date.parse(notAfter) > now.getTime() ? 'true' : 'false (expired)') : '-';
      return [
        sdsName,
        status,
        state.acked ?? '-',
        latestVersion ?? '-',
        held?.leafSerial ?? '-',
        notAfter ?? '-',
        valid,
        held ? String(held.revision) : '-',
      ];
    });
  return {
    headers: [
      'RESOURCE NAME',
      'STATUS',
      'ACKED VERSION',
      'LATEST VERSION',
      'SERIAL NUMBER',
      'NOT AFTER',
      'VALID CERT',
      'REVISION',
    ],
    rows,
  };
}
