import type { PeerCertificate } from 'node:tls';
import { identify } from './identity.js';

const policy = { trustDomain: 'cluster.local', bootstrapTokens: new Map([['tok-a', 'team-a']]) };
const cert = (san: string) => ({ subjectaltname: san }) as PeerCertificate;

describe('identify', () => {
  it.each([
    {
      label: 'a SPIFFE client certificate',
      inputs: {
        peerCertificate: cert('DNS:gw, URI:spiffe://cluster.local/ns/team-a/sa/gw'),
        authorization: [],
      },
      want: { ok: true, method: 'mtls', namespace: 'team-a', serviceAccount: 'gw' },
    },
    {
      label: 'a bootstrap token',
      inputs: { authorization: ['Bearer tok-a'] },
      want: { ok: true, method: 'token', namespace: 'team-a' },
    },
    {
      label: 'an unknown token',
      inputs: { authorization: ['Bearer nope'] },
      want: { ok: false, status: 'UNAUTHENTICATED' },
    },
    { label: 'nothing', inputs: { authorization: [] }, want: { ok: false, status: 'UNAUTHENTICATED' } },
    {
      label: 'another trust domain, even with a valid token',
      inputs: { peerCertificate: cert('URI:spiffe://evil/ns/team-a/sa/gw'), authorization: ['Bearer tok-a'] },
      want: { ok: false, status: 'PERMISSION_DENIED' },
    },
    {
      label: 'two SPIFFE ids',
      inputs: {
        peerCertificate: cert('URI:spiffe://cluster.local/ns/a/sa/x, URI:spiffe://cluster.local/ns/b/sa/y'),
        authorization: [],
      },
      want: { ok: false, status: 'PERMISSION_DENIED' },
    },
    {
      label: 'a SPIFFE id that is not a workload',
      inputs: { peerCertificate: cert('URI:spiffe://cluster.local/something'), authorization: [] },
      want: { ok: false, status: 'PERMISSION_DENIED' },
    },
  ])('$label', ({ inputs, want }) => {
    expect(identify(inputs, policy)).toMatchObject(want);
  });
});
