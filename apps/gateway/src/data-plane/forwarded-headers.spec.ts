import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarded-headers.js';
import { subjectAltNames } from './client-certificate.js';
import { redactResource } from '../admin/redact.js';
import type { PeerCertificate } from 'node:tls';

describe('forwarded headers', () => {
  it('drops pseudo and hop-by-hop headers, sets Host and appends x-forwarded-for', () => {
    const out = upstreamRequestHeaders({
      headers: {
        ':authority': 'a.test',
        ':path': '/',
        connection: 'keep-alive, x-secret-hop',
        'x-secret-hop': '1',
        'keep-alive': '5',
        'x-forwarded-for': '10.0.0.1',
        'x-request-id': 'r1',
        accept: '*/*',
      },
      host: 'a.test',
      scheme: 'https',
      remoteAddress: '127.0.0.1',
    });
    expect(out).toEqual({
      accept: '*/*',
      host: 'a.test',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '10.0.0.1, 127.0.0.1',
      'x-request-id': 'r1',
    });
  });

  it('keeps response headers HTTP/2 accepts', () => {
    expect(
      downstreamResponseHeaders({
        'transfer-encoding': 'chunked',
        connection: 'close',
        'set-cookie': ['a=1', 'b=2'],
      }),
    ).toEqual({ 'set-cookie': ['a=1', 'b=2'] });
  });
});

describe('subjectAltNames', () => {
  it('reads typed SANs, including quoted values with commas', () => {
    const cert = {
      subjectaltname:
        'DNS:a.test, URI:spiffe://cluster.local/ns/x/sa/y, IP Address:127.0.0.1, email:"a,b@c.test"',
    } as PeerCertificate;
    expect(subjectAltNames(cert)).toEqual([
      { type: 'DNS', value: 'a.test' },
      { type: 'URI', value: 'spiffe://cluster.local/ns/x/sa/y' },
      { type: 'IP Address', value: '127.0.0.1' },
      { type: 'EMAIL', value: 'a,b@c.test' },
    ]);
  });
});

describe('redactResource', () => {
  it('replaces key fields and PEM keys in any string', () => {
    const pem = ['-----BEGIN EC PRIVATE KEY-----', 'AAAA', '-----END EC PRIVATE KEY-----'].join('\n');
    const out = JSON.stringify(
      redactResource({ a: [{ private_key: { inline_string: 'x' } }], note: `oops ${pem}` }),
    );
    expect(out).not.toMatch(/BEGIN EC PRIVATE KEY|inline_string/);
    expect(out).toContain('[REDACTED PRIVATE KEY]');
  });
});
