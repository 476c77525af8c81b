import { namespaceFromIstioNodeId, readNodeIdentity } from './node-identity.js';

describe('readNodeIdentity', () => {
  it('reads NAMESPACE and LABELS from metadata as proto-loader gives them', () => {
    const identity = readNodeIdentity({
      id: 'router~10.0.0.1~gw-1.istio-system~istio-system.svc.cluster.local',
      cluster: 'istio-ingressgateway',
      metadata: {
        fields: {
          NAMESPACE: { kind: 'string_value', string_value: 'istio-system' },
          LABELS: {
            kind: 'struct_value',
            struct_value: {
              fields: {
                istio: { kind: 'string_value', string_value: 'ingressgateway' },
                replicas: { kind: 'number_value', number_value: 2 },
              },
            },
          },
        },
      },
    });
    expect(identity).toEqual({
      id: 'router~10.0.0.1~gw-1.istio-system~istio-system.svc.cluster.local',
      cluster: 'istio-ingressgateway',
      namespace: 'istio-system',
      labels: { istio: 'ingressgateway' },
    });
  });

  it('reads the camelCase form protobufjs gives the well-known types', () => {
    const identity = readNodeIdentity({
      id: 'n',
      metadata: {
        fields: {
          NAMESPACE: { kind: 'stringValue', stringValue: 'team-a' },
          LABELS: {
            kind: 'structValue',
            structValue: { fields: { app: { kind: 'stringValue', stringValue: 'gw' } } },
          },
        },
      },
    });
    expect(identity).toMatchObject({ namespace: 'team-a', labels: { app: 'gw' } });
  });

  it('reads values without a kind marker', () => {
    const identity = readNodeIdentity({
      id: 'n',
      metadata: {
        fields: { NAMESPACE: { string_value: 'team-a' }, LABELS: { struct_value: { fields: {} } } },
      },
    });
    expect(identity.namespace).toBe('team-a');
  });

  it.each([
    ['router~10.0.0.1~gw-1.istio-system~istio-system.svc.cluster.local', 'istio-system'],
    ['sidecar~10.0.0.2~app.team-a~team-a.svc.cluster.local', 'team-a'],
    ['plain-node-id', undefined],
    ['a~b~c', undefined],
  ])('namespace from node id %s', (id, ns) => {
    expect(namespaceFromIstioNodeId(id)).toBe(ns);
    expect(readNodeIdentity({ id }).namespace).toBe(ns);
  });
});
