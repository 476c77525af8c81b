import { encodeMessage } from '#keyway/envoy-api';
import { checkMessageJson } from '#keyway/testing';
import { bootstrapRoot } from './lib/envoy-root.js';
import {
  BOOTSTRAP_TYPE,
  BOOTSTRAP_TYPE_URL,
  BOOTSTRAPS,
  decodeBootstrap,
  readBootstrap,
} from './lib/bootstrap.js';

const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const UPSTREAM_TLS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

describe.each(BOOTSTRAPS)('Envoy bootstrap $file', ({ file, sdsHost, pkiDir }) => {
  const root = bootstrapRoot();
  const read = readBootstrap(file, root);

  it('reads as an Envoy v3 Bootstrap with no unknown field, bad type or unloaded Any', () => {
    expect(read.problems).toEqual([]);
  });

  it("encodes with Envoy's protos through #keyway/envoy-api (protobufjs verify passes)", () => {
    expect(encodeMessage(BOOTSTRAP_TYPE_URL, read.object).length).toBeGreaterThan(0);
  });

  // Decoded back from the bytes, so every assertion below is about what Envoy would receive.
  const type = root.lookupType(BOOTSTRAP_TYPE);
  const verifyProblem = type.verify(read.object);
  const decoded = decodeBootstrap(root, type.encode(type.fromObject(read.object)).finish());

  it('passes protobufjs verification with the bootstrap proto set', () => {
    expect(verifyProblem).toBeNull();
  });

  it("passes Envoy's validate.rules (protoc-gen-validate) and uses no deprecated field", () => {
    // A rule the checker cannot evaluate is a violation too (`unchecked`), never a silent pass.
    const violations = checkMessageJson(type, read.json);
    expect(violations.filter((v) => v.rule === 'unchecked')).toEqual([]);
    expect(violations).toEqual([]);
  });

  it("identifies the proxy as the sds-server expects: Istio's node id, NAMESPACE and LABELS", () => {
    const node = decoded.node;
    const id = /^router~[^~]+~[^~.]+\.([^~]+)~([^~]+)\.svc\.cluster\.local$/.exec(node.id);
    expect(id).not.toBeNull();
    expect(id![1]).toBe(id![2]);
    const metadata = node.metadata.fields;
    expect(metadata.NAMESPACE).toEqual({ stringValue: id![1] });
    expect(metadata.NAMESPACE.stringValue).toBe('istio-system');
    expect(metadata.LABELS.structValue.fields.istio).toEqual({ stringValue: 'ingressgateway' });
  });

  it('takes LDS and CDS from ADS over gRPC v3 to a static cluster, admin on 127.0.0.1:15000', () => {
    const dyn = decoded.dynamic_resources;
    expect(dyn.ads_config.api_type).toBe('GRPC');
    expect(dyn.ads_config.transport_api_version).toBe('V3');
    expect(dyn.ads_config.grpc_services).toHaveLength(1);
    const clusterName = dyn.ads_config.grpc_services[0].envoy_grpc.cluster_name;
    expect(decoded.static_resources.clusters.map((c: any) => c.name)).toContain(clusterName);
    for (const key of ['lds_config', 'cds_config']) {
      expect(dyn[key].ads).toEqual({});
      expect(dyn[key].resource_api_version).toBe('V3');
    }
    expect(decoded.admin.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 15000 });
  });

  const cluster = decoded.static_resources.clusters.find((c: any) => c.name === 'xds_cluster');

  it('xds_cluster speaks HTTP/2 (explicit HttpProtocolOptions, not the deprecated field)', () => {
    expect(cluster).toBeDefined();
    expect(cluster.http2_protocol_options).toBeUndefined();
    const options = cluster.typed_extension_protocol_options[HTTP_PROTOCOL_OPTIONS];
    expect(options['@type']).toBe(`type.googleapis.com/${HTTP_PROTOCOL_OPTIONS}`);
    expect(options.explicit_http_config.http2_protocol_options).toBeDefined();
  });

  it("xds_cluster reaches the sds-server's mTLS port with the proxy's certificate files", () => {
    const endpoints = cluster.load_assignment.endpoints.flatMap((e: any) => e.lb_endpoints);
    expect(endpoints.map((e: any) => e.endpoint.address.socket_address)).toEqual([
      { address: sdsHost, port_value: 15012 },
    ]);
    expect(cluster.transport_socket.name).toBe('envoy.transport_sockets.tls');
    const tls = cluster.transport_socket.typed_config;
    expect(tls['@type']).toBe(UPSTREAM_TLS);
    const common = tls.common_tls_context;
    expect(common.alpn_protocols).toEqual(['h2']);
    expect(common.tls_certificates).toHaveLength(1);
    const files = [
      common.tls_certificates[0].certificate_chain.filename,
      common.tls_certificates[0].private_key.filename,
      common.validation_context.trusted_ca.filename,
    ];
    for (const f of files) expect(f.startsWith(`${pkiDir}/`)).toBe(true);
    // The server is verified too, not only the proxy.
    expect(common.validation_context.match_typed_subject_alt_names.length).toBeGreaterThan(0);
  });
});
