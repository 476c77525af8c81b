import { readDer } from './der/reader.js';
import { encodeDer, oid, printableString, sequence, set, utf8String } from './der/writer.js';
import { DerError } from './errors.js';
import { encodeName, formatName, namesMatch, nameProblems, parseName } from './name.js';

const parse = (der: Buffer) => parseName(readDer(der), 'name');

describe('distinguished names', () => {
  it('writes fields in C, ST, L, O, OU, CN order and prints them RFC 4514 style', () => {
    const name = parse(
      encodeName({
        commonName: 'httpbin.example.com',
        organization: 'httpbin organization',
        organizationalUnit: ['a', 'b'],
        country: 'DE',
        state: 'Berlin',
        locality: 'Berlin',
      }),
    );
    expect(name.text).toBe('CN=httpbin.example.com,OU=b,OU=a,O=httpbin organization,L=Berlin,ST=Berlin,C=DE');
    expect(name).toMatchObject({
      commonName: 'httpbin.example.com',
      organization: ['httpbin organization'],
      organizationalUnit: ['a', 'b'],
      country: 'DE',
    });
  });

  it('keeps an attribute list in order and accepts dotted OIDs', () => {
    const name = parse(
      encodeName([
        { type: 'DC', value: 'com' },
        { type: 'dc', value: 'example' },
        { type: '2.5.4.3', value: 'x' },
      ]),
    );
    expect(name.text).toBe('CN=x,DC=example,DC=com');
    expect(name.rdns.map((r) => r[0].oid)).toEqual([
      '0.9.2342.19200300.100.1.25',
      '0.9.2342.19200300.100.1.25',
      '2.5.4.3',
    ]);
  });

  it('escapes RFC 4514 special characters', () => {
    expect(parse(encodeName({ commonName: '#a,b+c"d\\e<f>;g ' })).text).toBe(
      'CN=\\#a\\,b\\+c\\"d\\\\e\\<f\\>\\;g\\ ',
    );
    expect(parse(encodeName({ commonName: ' lead' })).text).toBe('CN=\\ lead');
  });

  it('encodes an empty name as an empty SEQUENCE', () => {
    expect(encodeName(undefined).toString('hex')).toBe('3000');
    expect(parse(encodeName({})).text).toBe('');
  });

  it('reads multi-valued RDNs and unknown attribute types', () => {
    const der = encodeDer(
      sequence(
        set(sequence(oid('2.5.4.3'), utf8String('a')), sequence(oid('2.5.4.10'), utf8String('b'))),
        set(sequence(oid('1.2.3.4'), printableString('z'))),
      ),
    );
    const name = parse(der);
    expect(name.rdns[0]).toHaveLength(2);
    expect(name.text).toBe('1.2.3.4=z,CN=a+O=b');
    expect(formatName([[{ type: 'CN', oid: '2.5.4.3', value: 'q' }]])).toBe('CN=q');
  });

  it('matches names byte for byte, then case- and space-insensitively', () => {
    const a = parse(encodeName({ commonName: 'Example  CA', organization: 'Org' }));
    const b = parse(
      encodeDer(
        sequence(
          set(sequence(oid('2.5.4.10'), printableString('org'))),
          set(sequence(oid('2.5.4.3'), printableString('example ca'))),
        ),
      ),
    );
    const c = parse(encodeName({ commonName: 'Other CA', organization: 'Org' }));
    expect(namesMatch(a, a)).toBe(true);
    expect(namesMatch(a, b)).toBe(true);
    expect(namesMatch(a, c)).toBe(false);
  });

  it('reports invalid fields by path and refuses unknown types when encoding', () => {
    expect(nameProblems({ country: 'Germany', commonName: 'x'.repeat(65) }, 'subject')).toEqual([
      { field: 'subject.C', message: 'country must be a two-letter ISO 3166 code' },
      { field: 'subject.CN', message: 'longer than 64 characters' },
    ]);
    expect(
      nameProblems(
        [
          { type: 'XX', value: 'v' },
          { type: 'CN', value: '' },
        ],
        'subject',
      ),
    ).toEqual([
      { field: 'subject[0]', message: 'unknown attribute type "XX"' },
      { field: 'subject[1]', message: 'must be a non-empty string' },
    ]);
    expect(() => encodeName([{ type: 'XX', value: 'v' }])).toThrow(DerError);
  });
});
