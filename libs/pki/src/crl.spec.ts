import { createCrl, parseCrl, validateCrlRequest, verifyCrlSignedBy } from './crl.js';
import { RequestError } from './errors.js';
import { DerReader, readDer } from './der/reader.js';
import { decodePem } from './pem.js';
import { DAY, hierarchy } from './testing/spec-fixtures.js';

const h = hierarchy();
const thisUpdate = new Date('2030-02-01T00:00:00Z');
const nextUpdate = new Date('2030-02-08T00:00:00Z');

describe('CRL v2', () => {
  it('round-trips revoked entries with reasons, the CRL number and the issuer key id', () => {
    const pem = createCrl({
      issuer: h.intermediateIssuer,
      revoked: [
        { serialHex: '7f0102', revokedAt: new Date('2030-01-30T12:00:00.900Z'), reason: 'keyCompromise' },
        { serialHex: '00:AB:CD', revokedAt: new Date('2030-01-31T00:00:00Z'), reason: 'superseded' },
        { serialHex: '01', revokedAt: new Date('2030-01-31T01:00:00Z') },
        { serialHex: '02', revokedAt: new Date('2030-01-31T02:00:00Z'), reason: 'aACompromise' },
      ],
      thisUpdate,
      nextUpdate,
      crlNumber: 42,
    });
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----\n/);
    const crl = parseCrl(pem);
    expect(crl).toMatchObject({
      version: 2,
      issuer: 'CN=keyway test intermediate,O=keyway',
      thisUpdate,
      nextUpdate,
      crlNumber: 42,
      crlNumberHex: '2a',
      authorityKeyId: h.intermediate.subjectKeyId,
      signatureAlgorithm: 'ecdsa-with-SHA256',
      revoked: [
        { serialHex: '7f0102', revokedAt: new Date('2030-01-30T12:00:00Z'), reason: 'keyCompromise' },
        { serialHex: 'abcd', revokedAt: new Date('2030-01-31T00:00:00Z'), reason: 'superseded' },
        { serialHex: '01', revokedAt: new Date('2030-01-31T01:00:00Z'), reason: 'unspecified' },
        { serialHex: '02', revokedAt: new Date('2030-01-31T02:00:00Z'), reason: 'aACompromise' },
      ],
    });
    expect(verifyCrlSignedBy(crl, h.intermediate.pem)).toBe(true);
    expect(verifyCrlSignedBy(pem, h.intermediate.keyPair!.publicKey)).toBe(true);
    expect(verifyCrlSignedBy(pem, h.root.pem)).toBe(false);
  });

  it('omits the revoked list when empty and carries large CRL numbers exactly', () => {
    const pem = createCrl({
      issuer: h.rootIssuer,
      revoked: [],
      thisUpdate,
      nextUpdate,
      crlNumber: 2n ** 100n + 1n,
    });
    const crl = parseCrl(decodePem(pem, 'X509 CRL'));
    expect(crl.revoked).toEqual([]);
    expect(crl.crlNumberHex).toBe((2n ** 100n + 1n).toString(16));
    // tbsCertList: version, signature, issuer, thisUpdate, nextUpdate, then straight to [0] crlExtensions.
    const tbs = DerReader.of(readDer(crl.tbsDer), 'tbs');
    const tags: number[] = [];
    while (!tbs.done) tags.push(tbs.next().tag);
    expect(tags).toEqual([0x02, 0x30, 0x30, 0x17, 0x17, 0xa0]);
    expect(verifyCrlSignedBy(crl, h.root.der)).toBe(true);
  });

  it('detects tampering', () => {
    const der = decodePem(
      createCrl({
        issuer: h.rootIssuer,
        revoked: [{ serialHex: '0a0b0c', revokedAt: thisUpdate, reason: 'cessationOfOperation' }],
        thisUpdate,
        nextUpdate,
        crlNumber: 1,
      }),
      'X509 CRL',
    );
    const at = der.indexOf(Buffer.from([0x02, 0x03, 0x0a, 0x0b, 0x0c]));
    der[at + 4] = 0x0d;
    const crl = parseCrl(der);
    expect(crl.revoked[0].serialHex).toBe('0a0b0d');
    expect(verifyCrlSignedBy(crl, h.root.pem)).toBe(false);
  });

  it('validates the request', () => {
    const problems = validateCrlRequest({
      issuer: h.rootIssuer,
      revoked: [
        { serialHex: 'xyz', revokedAt: thisUpdate },
        { serialHex: '01', revokedAt: new Date(NaN) },
        { serialHex: '0001', revokedAt: thisUpdate, reason: 'stolen' as never },
      ],
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() - DAY),
      crlNumber: -1,
    });
    expect(problems).toEqual([
      { field: 'nextUpdate', message: 'must be after thisUpdate' },
      { field: 'crlNumber', message: 'must be a non-negative integer of at most 20 octets' },
      { field: 'revoked[0].serialHex', message: 'must be a hexadecimal serial of at most 20 octets' },
      { field: 'revoked[1].revokedAt', message: 'must be a valid Date' },
      { field: 'revoked[2].serialHex', message: 'listed twice' },
      {
        field: 'revoked[2].reason',
        message:
          'must be one of unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, removeFromCRL, privilegeWithdrawn, aACompromise',
      },
    ]);
    expect(() =>
      createCrl({ issuer: h.rootIssuer, revoked: [], nextUpdate: new Date(0), crlNumber: 1 }),
    ).toThrow(RequestError);
  });
});
