import type protobuf from 'protobufjs';

/** One reason Envoy would refuse a config, or read it differently from what was written. */
export interface EnvoyViolation {
  /** Field path inside the message: `filter_chains[0].filters[0].typed_config.stat_prefix`; '' is the message. */
  path: string;
  /**
   * The protoc-gen-validate rule (`string.min_len`, `repeated.min_items`, `oneof.required`), or one of
   * this checker's own: `known_field`, `any_type`, `deprecated`, `unchecked`, `json.*`, `encode`.
   */
  rule: string;
  message: string;
}

/** A rule's verdict on one value; the caller knows the path. */
export type RuleProblem = Omit<EnvoyViolation, 'path'>;

export function joinPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** `envoy.config.cluster.v3.Cluster`, without protobufjs's leading dot. */
export function typeName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, '');
}
