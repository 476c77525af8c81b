import path from 'node:path';
import { splitPemCertificates, walkthroughLayout, type IssuedLeaf } from '#keyway/ca-policy';
import { PrivateKeyPem } from '#keyway/key-material';
import { CliError, type ApiClient, type ApiObject as Obj } from './api-client.js';
import type { Command } from './command.js';
import type { Io } from './io.js';

const enc = encodeURIComponent;

/**
 * The walkthrough's generate.sh layout: a new root and intermediate per run (so a second run is
 * a "new CA" for the rotation step), with an issuance policy for the host under team
 * `walkthrough` (the ca checks every issuance against a team's policy), unless --issuer names an
 * existing CA; then a server and a client certificate for HOST. Keys are written 0600, never printed.
 */
export async function certIssue(
  api: ApiClient,
  io: Io,
  cmd: Extract<Command, { verb: 'cert-issue' }>,
  structured: (value: unknown) => boolean,
): Promise<number> {
  let issuer: string;
  let chain: string[];
  let team = cmd.team;
  if (cmd.issuer) {
    const list = await api.request<Obj>('GET', '/v1/ca/authorities');
    const ca = (list.items ?? []).find((a: Obj) => a.name === cmd.issuer);
    if (!ca) throw new CliError(`error: no CA named ${cmd.issuer}`, 1);
    issuer = ca.name;
    chain = [ca.certificatePem, ...splitPemCertificates(ca.chainPem ?? '')];
  } else {
    const host = cmd.host
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 30);
    const slug = `${host}-${io.now().getTime().toString(36)}`;
    const org = 'keyway walkthrough';
    const root = await api.request<Obj>('POST', '/v1/ca/authorities', {
      json: { kind: 'root', name: `${slug}-root`, commonName: `${cmd.host} Root CA`, organization: org },
    });
    const intermediate = await api.request<Obj>('POST', '/v1/ca/authorities', {
      json: {
        kind: 'intermediate',
        name: `${slug}-int`,
        parent: root.name,
        commonName: `${cmd.host} Intermediate CA`,
        organization: org,
      },
    });
    issuer = intermediate.name;
    chain = [intermediate.certificatePem, root.certificatePem];
    team ??= 'walkthrough';
    await api.request('PUT', `/v1/ca/policies/${enc(team)}/${enc(slug.slice(0, 63).replace(/-+$/, ''))}`, {
      json: {
        issuers: [issuer],
        allowedDomains: [cmd.host],
        usages: ['server', 'client'],
        maxTtl: '8760h',
        defaultTtl: '8760h',
      },
    });
  }
  const issue = async (usage: 'server' | 'client'): Promise<IssuedLeaf & { serial: string }> => {
    const r = await api.request<Obj>('POST', '/v1/ca/issue', {
      json: {
        issuer,
        commonName: cmd.host,
        sans: { dns: [cmd.host] },
        usage,
        reason: 'keyway cert issue',
        ...(team ? { team } : {}),
      },
    });
    if (typeof r.privateKeyPem !== 'string') throw new CliError('error: the api returned no private key', 1);
    const leaf = splitPemCertificates(r.certificatePem)[0] ?? r.certificatePem;
    return { certificatePem: leaf, privateKey: new PrivateKeyPem(r.privateKeyPem), serial: r.serial };
  };
  const server = await issue('server');
  const client = cmd.client ? await issue('client') : undefined;
  const layout = walkthroughLayout({ host: cmd.host, caChainPems: chain, server, client });
  if (!layout.ok)
    throw new CliError(`error: ${layout.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, 1);
  for (const f of layout.files) {
    const content = f.kind === 'private-key' ? f.content.reveal() : f.content;
    await io.writeFile(path.join(cmd.out, f.path), content, f.mode);
  }
  if (
    !structured({
      issuer,
      out: cmd.out,
      files: layout.files.map((f) => f.path),
      serials: { server: server.serial, client: client?.serial },
    })
  ) {
    io.out(
      `issued ${cmd.host} from ${issuer}: server ${server.serial}${client ? `, client ${client.serial}` : ''}\n`,
    );
    for (const f of layout.files)
      io.out(`  ${path.join(cmd.out, f.path)}${f.kind === 'private-key' ? ' (0600)' : ''}\n`);
  }
  return 0;
}
