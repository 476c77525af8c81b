import type { FieldError } from '#keyway/contracts';
import type { PrivateKeyPem } from '#keyway/key-material';
import { pemBlockTexts } from '#keyway/pki';
import { parseDnsName } from './dns-name.js';

/**
 * The directory layout of the walkthrough's generate.sh (root -> intermediate -> server and client
 * certificates), as data, so `keyway cert issue <host> --out DIR` writes files at the paths the
 * walkthrough's kubectl and curl commands use. CA private keys are never part of it: they stay in
 * the CA service. Leaf keys stay PrivateKeyPem until the CLI writes them.
 */
export interface IssuedLeaf {
  /** The leaf alone, as generate.sh writes it. */
  certificatePem: string;
  privateKey: PrivateKeyPem;
}

export interface WalkthroughInput {
  host: string;
  /** The issuing CA first, then each CA above it, the root last. */
  caChainPems: string[];
  server: IssuedLeaf;
  client?: IssuedLeaf;
}

export type LayoutFile =
  | { path: string; kind: 'certificate'; mode: 0o644; content: string }
  | { path: string; kind: 'private-key'; mode: 0o600; content: PrivateKeyPem };

export type LayoutResult = { ok: true; files: LayoutFile[] } | { ok: false; errors: FieldError[] };

/** The certificates of a PEM bundle, each ending in one newline, in bundle order. */
export function splitPemCertificates(bundle: string): string[] {
  return pemBlockTexts(bundle, 'CERTIFICATE').map((block) => `${block}\n`);
}

function onePem(pem: string): string {
  return pem.trimEnd() + '\n';
}

export function walkthroughLayout(input: WalkthroughInput): LayoutResult {
  const errors: FieldError[] = [];
  const host = parseDnsName(input.host);
  if (!host.ok) errors.push({ code: 'invalid', field: 'host', message: host.message });
  else if (host.value.wildcard) {
    errors.push({
      code: 'invalid',
      field: 'host',
      message: `${JSON.stringify(input.host)}: file names need a concrete host, not a wildcard`,
    });
  }
  if (input.caChainPems.length === 0)
    errors.push({ code: 'invalid', field: 'caChainPems', message: 'the chain needs at least the root' });
  const pems: Array<[string, string]> = [
    ['server.certificatePem', input.server.certificatePem],
    ...input.caChainPems.map((p, i): [string, string] => [`caChainPems[${i}]`, p]),
  ];
  if (input.client) pems.push(['client.certificatePem', input.client.certificatePem]);
  for (const [field, pem] of pems) {
    if (splitPemCertificates(pem).length !== 1)
      errors.push({ code: 'invalid', field, message: 'must hold exactly one PEM certificate' });
  }
  if (errors.length > 0 || !host.ok) return { ok: false, errors };

  const name = host.value.name;
  const root = onePem(input.caChainPems[input.caChainPems.length - 1]);
  const intermediates = input.caChainPems.slice(0, -1).map(onePem);
  const files: LayoutFile[] = [
    { path: '1_root/certs/ca.cert.pem', kind: 'certificate', mode: 0o644, content: root },
    // generate.sh: cat intermediate.cert.pem ../1_root/certs/ca.cert.pem > ca-chain.cert.pem
    {
      path: '2_intermediate/certs/ca-chain.cert.pem',
      kind: 'certificate',
      mode: 0o644,
      content: [...intermediates, root].join(''),
    },
    {
      path: `3_application/certs/${name}.cert.pem`,
      kind: 'certificate',
      mode: 0o644,
      content: onePem(input.server.certificatePem),
    },
    {
      path: `3_application/private/${name}.key.pem`,
      kind: 'private-key',
      mode: 0o600,
      content: input.server.privateKey,
    },
  ];
  if (intermediates.length > 0) {
    files.push({
      path: '2_intermediate/certs/intermediate.cert.pem',
      kind: 'certificate',
      mode: 0o644,
      content: intermediates[0],
    });
  }
  if (input.client) {
    files.push(
      {
        path: `4_client/certs/${name}.cert.pem`,
        kind: 'certificate',
        mode: 0o644,
        content: onePem(input.client.certificatePem),
      },
      {
        path: `4_client/private/${name}.key.pem`,
        kind: 'private-key',
        mode: 0o600,
        content: input.client.privateKey,
      },
    );
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ok: true, files };
}
