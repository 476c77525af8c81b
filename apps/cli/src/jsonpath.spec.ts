import { jsonPath, JsonPathError } from './jsonpath.js';

const service = {
  spec: {
    ports: [
      { name: 'http2', port: 8080 },
      { name: 'https', port: 8443 },
    ],
  },
  status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
};
const pods = {
  items: [
    { metadata: { name: 'istio-ingressgateway-a', labels: { istio: 'ingressgateway' } } },
    { metadata: { name: 'b' } },
  ],
};

describe('jsonPath (kubectl templates)', () => {
  it('answers the walkthrough queries', () => {
    expect(jsonPath('{.spec.ports[?(@.name=="https")].port}', service)).toBe('8443');
    expect(jsonPath('{.status.loadBalancer.ingress[0].ip}', service)).toBe('127.0.0.1');
    expect(jsonPath('{.items[0].metadata.name}', pods)).toBe('istio-ingressgateway-a');
  });

  it('joins several results with spaces and keeps literal text between expressions', () => {
    expect(jsonPath('{.items[*].metadata.name}', pods)).toBe('istio-ingressgateway-a b');
    expect(jsonPath('host={.status.loadBalancer.ingress[0].ip}:{.spec.ports[1].port}', service)).toBe(
      'host=127.0.0.1:8443',
    );
  });

  it('supports quoted keys, negative indices, slices, wildcards and recursive descent', () => {
    expect(jsonPath("{.items[0].metadata.labels['istio']}", pods)).toBe('ingressgateway');
    expect(jsonPath('{.spec.ports[-1].name}', service)).toBe('https');
    expect(jsonPath('{.spec.ports[0:1].name}', service)).toBe('http2');
    expect(jsonPath('{..port}', service)).toBe('8080 8443');
    expect(jsonPath('{.spec.ports[*].port}', service)).toBe('8080 8443');
    expect(jsonPath('{.spec.ports[?(@.port>8080)].name}', service)).toBe('https');
    expect(jsonPath("{.spec.ports[?(@.name!='https')].name}", service)).toBe('http2');
  });

  it('ranges over lists with literal text and newlines', () => {
    expect(jsonPath('{range .items[*]}{.metadata.name}{"\\n"}{end}', pods)).toBe(
      'istio-ingressgateway-a\nb\n',
    );
  });

  it('prints objects as JSON, missing fields as nothing', () => {
    expect(jsonPath('{.status.loadBalancer}', service)).toBe('{"ingress":[{"ip":"127.0.0.1"}]}');
    expect(jsonPath('{.spec.nothing}', service)).toBe('');
  });

  it('reports malformed templates and out-of-range indices', () => {
    expect(() => jsonPath('{.spec.ports[0}', service)).toThrow(JsonPathError);
    expect(() => jsonPath('{range .items[*]}{.x}', pods)).toThrow('{range} without {end}');
    expect(() => jsonPath('{.spec.ports[5]}', service)).toThrow('out of bounds');
  });
});
