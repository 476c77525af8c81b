import { encodeMessage, TypeUrl } from '#keyway/envoy-api';
import { Backoff } from './backoff.js';
import { decodeResponse } from './decoded-response.js';
import { buildNode } from './node-identity.js';
import { SubscriptionState, WILDCARD } from './subscription-state.js';

const node = buildNode({ id: 'n', namespace: 'istio-system', labels: { istio: 'ingressgateway' } });

describe('SubscriptionState', () => {
  it('keeps the applied version through a NACK and clears the error on the next ACK', () => {
    const s = new SubscriptionState(TypeUrl.Secret, ['kubernetes://b', 'kubernetes://a', 'kubernetes://a']);
    expect(s.subscribeRequest(node)).toMatchObject({
      resource_names: ['kubernetes://a', 'kubernetes://b'],
      version_info: '',
      response_nonce: '',
    });
    expect(s.ack('v1', 'n1', node)).toMatchObject({ version_info: 'v1', response_nonce: 'n1' });
    const nack = s.nack('n2', 'Secret kubernetes://a: tls_certificate: no private key', node);
    expect(nack).toMatchObject({ version_info: 'v1', response_nonce: 'n2', error_detail: { code: 3 } });
    expect(s.lastError).toMatch(/no private key/);
    s.ack('v3', 'n3', node);
    expect(s.lastError).toBeUndefined();
    s.streamReset();
    expect(s.subscribeRequest(node)).toMatchObject({ version_info: 'v3', response_nonce: '' });
  });

  it('reports whether a new subscription differs', () => {
    const s = new SubscriptionState(TypeUrl.Listener, WILDCARD);
    expect(s.setNames(WILDCARD)).toBe(false);
    expect(s.subscribeRequest(node).resource_names).toEqual([]);
    expect(s.setNames(['a'])).toBe(true);
    expect(s.setNames(['a', 'a'])).toBe(false);
  });
});

describe('decodeResponse', () => {
  it('names resources by name or cluster_name', () => {
    const out = decodeResponse({
      version_info: 'v',
      nonce: 'n',
      type_url: TypeUrl.ClusterLoadAssignment,
      resources: [
        {
          type_url: TypeUrl.ClusterLoadAssignment,
          value: encodeMessage(TypeUrl.ClusterLoadAssignment, {
            cluster_name: 'outbound|8000||httpbin.default.svc.cluster.local',
          }),
        },
      ],
    });
    expect(out.ok && out.update.resources[0].name).toBe('outbound|8000||httpbin.default.svc.cluster.local');
  });

  it('refuses nameless and duplicate resources', () => {
    const any = (name: string) => ({
      type_url: TypeUrl.Cluster,
      value: encodeMessage(TypeUrl.Cluster, name ? { name } : {}),
    });
    expect(decodeResponse({ type_url: TypeUrl.Cluster, resources: [any('')] })).toEqual({
      ok: false,
      message: 'resources[0]: resource has no name',
    });
    expect(decodeResponse({ type_url: TypeUrl.Cluster, resources: [any('c'), any('c')] })).toEqual({
      ok: false,
      message: 'resources[1]: duplicate resource c',
    });
  });
});

describe('Backoff', () => {
  it('grows to its ceiling with jitter and resets', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000 }, () => 1);
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000]);
    b.reset();
    expect(new Backoff({ initialMs: 100, maxMs: 1000 }, () => 0).next()).toBe(50);
    expect(b.next()).toBe(100);
  });
});
