import { issueCertificate, type IssueResult } from './certificate.js';
import { issuedBy, verifyChain, verifySignedBy } from './chain.js';
import { Issuer } from './issuer.js';
import { parseCertificate } from './parsed-certificate.js';
import { DAY, HOUR, hierarchy } from './testing/spec-fixtures.js';

const now = new Date();
const h = hierarchy('ecdsa-p256', now);

function leaf(
  issuer: Issuer,
  notBefore = new Date(now.getTime() - HOUR),
  notAfter = new Date(now.getTime() + 30 * DAY),
): IssueResult {
  return issueCertificate({
    profile: 'server',
    issuer,
    subject: { commonName: 'leaf.example' },
    sans: { dns: ['leaf.example'] },
    notBefore,
    notAfter,
  });
}

const codes = (problems: { code: string; field: string }[]): string[] =>
  problems.map((p) => `${p.field} ${p.code}`);

describe('verifySignedBy', () => {
  it('verifies against a KeyObject or a certificate and fails on tampering', () => {
    const l = leaf(h.intermediateIssuer);
    expect(verifySignedBy(l.pem, h.intermediate.keyPair!.publicKey)).toBe(true);
    expect(verifySignedBy(l.pem, h.root.keyPair!.publicKey)).toBe(false);
    const tampered = Buffer.from(l.der);
    const at = tampered.indexOf(Buffer.from('leaf.example'));
    tampered[at] = 'x'.charCodeAt(0);
    expect(verifySignedBy(tampered, h.intermediate.pem)).toBe(false);
  });
});

describe('issuedBy', () => {
  it('needs the issuer named and the signature to verify under its key', () => {
    const l = leaf(h.intermediateIssuer);
    // Same subject as the real intermediate, another key: the name matches, the signature does not.
    const impostor = hierarchy().intermediate;
    const table: Array<[string, Parameters<typeof issuedBy>, boolean]> = [
      ['leaf by its intermediate', [l.pem, h.intermediate.pem], true],
      ['intermediate by the root', [h.intermediate.der, h.root.der], true],
      ['leaf by the root (named issuer differs)', [l.pem, h.root.pem], false],
      ['leaf by a same-named intermediate with another key', [l.pem, impostor.pem], false],
      ['not a certificate', ['not a certificate', h.intermediate.pem], false],
    ];
    for (const [what, args, expected] of table)
      expect({ what, issued: issuedBy(...args) }).toEqual({ what, issued: expected });
  });
});

describe('verifyChain', () => {
  it('finds nothing wrong with leaf -> intermediate -> root', () => {
    expect(verifyChain(leaf(h.intermediateIssuer).pem, [h.intermediate.pem], [h.root.pem], now)).toEqual([]);
    // Bundles work too, and a chain that ends with the root itself.
    expect(
      verifyChain(leaf(h.intermediateIssuer).pem, [h.intermediate.pem + h.root.pem], [h.root.pem], now),
    ).toEqual([]);
    // Without roots, only internal consistency is checked.
    expect(verifyChain(leaf(h.intermediateIssuer).pem, [h.intermediate.pem], [], now)).toEqual([]);
  });

  it('reports a chain out of order', () => {
    const other = hierarchy();
    const sub = issueCertificate({
      profile: 'intermediate-ca',
      subject: { commonName: 'sub' },
      issuer: h.intermediateIssuer,
      notBefore: new Date(now.getTime() - HOUR),
      notAfter: new Date(now.getTime() + DAY),
    });
    const subIssuer = Issuer.from({ certificate: sub.pem, privateKey: sub.keyPair!.privateKeyPem });
    const l = leaf(subIssuer);
    const problems = verifyChain(l.pem, [h.intermediate.pem, sub.pem], [h.root.pem], now);
    expect(problems[0]).toEqual({
      code: 'out-of-order',
      field: 'chain[0]',
      message: 'issued by chain[2] (CN=sub), which must come right after it, not chain[1]',
    });
    expect(codes(problems)).toEqual([
      'chain[0] out-of-order',
      'chain[1] not-signed-by-next',
      'chain[2] out-of-order',
    ]);
    expect(codes(verifyChain(l.pem, [sub.pem, other.intermediate.pem], [], now))).toEqual([
      'chain[2] path-length',
      'chain[1] not-signed-by-next',
    ]);
  });

  it('reports a certificate not signed by the next one even when the names match', () => {
    // Same subject name as the real intermediate, different key.
    const impostorRoot = issueCertificate({
      profile: 'root-ca',
      subject: { commonName: 'keyway test root', organization: 'keyway' },
      // From `now`, not from the clock: a second boundary crossed since would make it not yet valid.
      notBefore: now,
      notAfter: new Date(now.getTime() + DAY),
    });
    const impostor = issueCertificate({
      profile: 'intermediate-ca',
      subject: { commonName: 'keyway test intermediate', organization: 'keyway' },
      issuer: Issuer.from({ certificate: impostorRoot.pem, privateKey: impostorRoot.keyPair!.privateKeyPem }),
      notBefore: now,
      notAfter: new Date(now.getTime() + DAY),
    });
    const problems = verifyChain(leaf(h.intermediateIssuer).pem, [impostor.pem], [h.root.pem], now);
    expect(problems).toEqual([
      {
        code: 'not-signed-by-next',
        field: 'chain[0]',
        message: 'signature does not verify with the key of chain[1] (CN=keyway test intermediate,O=keyway)',
      },
      {
        code: 'untrusted',
        field: 'chain[1]',
        message: 'not signed by any trusted root named CN=keyway test root,O=keyway',
      },
    ]);
  });

  it('reports expired and not-yet-valid certificates at the given time', () => {
    const expired = leaf(
      h.intermediateIssuer,
      new Date(now.getTime() - 10 * DAY),
      new Date(now.getTime() - DAY),
    );
    const future = leaf(
      h.intermediateIssuer,
      new Date(now.getTime() + DAY),
      new Date(now.getTime() + 10 * DAY),
    );
    expect(codes(verifyChain(expired.pem, [h.intermediate.pem], [h.root.pem], now))).toEqual([
      'chain[0] expired',
    ]);
    expect(codes(verifyChain(future.pem, [h.intermediate.pem], [h.root.pem], now))).toEqual([
      'chain[0] not-yet-valid',
    ]);
    expect(
      verifyChain(future.pem, [h.intermediate.pem], [h.root.pem], new Date(now.getTime() + 2 * DAY)),
    ).toEqual([]);
    const later = new Date(now.getTime() + 400 * DAY);
    expect(
      codes(
        verifyChain(
          leaf(h.intermediateIssuer, now, new Date(now.getTime() + 500 * DAY)).pem,
          [h.intermediate.pem],
          [h.root.pem],
          later,
        ),
      ),
    ).toEqual(['chain[1] expired']);
  });

  it('enforces path length and trust', () => {
    // The intermediate has pathLen 0: a CA below it breaks the constraint.
    const sub = issueCertificate({
      profile: 'intermediate-ca',
      subject: { commonName: 'sub' },
      issuer: h.intermediateIssuer,
      notBefore: new Date(now.getTime() - HOUR),
      notAfter: new Date(now.getTime() + DAY),
    });
    const l = leaf(Issuer.from({ certificate: sub.pem, privateKey: sub.keyPair!.privateKeyPem }));
    expect(codes(verifyChain(l.pem, [sub.pem, h.intermediate.pem], [h.root.pem], now))).toEqual([
      'chain[2] path-length',
    ]);
    const stranger = issueCertificate({
      profile: 'root-ca',
      subject: { commonName: 'stranger' },
      notBefore: now,
      notAfter: new Date(now.getTime() + DAY),
    });
    expect(verifyChain(leaf(h.intermediateIssuer).pem, [h.intermediate.pem], [stranger.pem], now)).toEqual([
      {
        code: 'untrusted',
        field: 'chain[1]',
        message: 'issuer CN=keyway test root,O=keyway is not among the trusted roots',
      },
    ]);
    // Same root name, different key (fixtures share names).
    expect(
      codes(verifyChain(leaf(h.intermediateIssuer).pem, [h.intermediate.pem], [hierarchy().root.pem], now)),
    ).toEqual(['chain[1] untrusted']);
  });

  it('returns parse failures as problems instead of throwing', () => {
    expect(verifyChain('garbage', [], [], now)).toEqual([
      { code: 'unparseable', field: 'chain[0]', message: 'no CERTIFICATE block' },
    ]);
    const problems = verifyChain(
      leaf(h.intermediateIssuer).pem,
      ['-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n'],
      [],
      now,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'unparseable', field: 'intermediates[0]' });
    expect(verifyChain(leaf(h.intermediateIssuer).pem + h.intermediate.pem, [], [], now)[0].message).toMatch(
      /more than one certificate/,
    );
  });

  it('parses what it verifies consistently', () => {
    expect(parseCertificate(h.root.pem).isCa).toBe(true);
  });
});
