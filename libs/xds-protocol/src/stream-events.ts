/**
 * What a stream reports besides the responses it wants written: the adapter turns these into
 * logs, metrics and the proxy's status. They are data, so tests read them directly.
 */
export type StreamEvent =
  | { kind: 'ack'; typeUrl: string; version: string; nonce: string }
  | {
      kind: 'nack';
      typeUrl: string;
      /** The version the client rejected. */
      rejectedVersion: string;
      /** The version the client says it still runs (SotW `version_info`; empty in Delta). */
      currentVersion: string;
      nonce: string;
      code: number;
      message: string;
    }
  | { kind: 'stale-nonce'; typeUrl: string; nonce: string; expected?: string }
  | {
      kind: 'push';
      typeUrl: string;
      version: string;
      nonce: string;
      names: string[];
      removed: string[];
      bytes: number;
    }
  | { kind: 'denied'; typeUrl: string; name: string }
  | { kind: 'oversize'; typeUrl: string; names: string[]; bytes: number; limit: number }
  | { kind: 'unsupported-type'; typeUrl: string };

export type StreamEventKind = StreamEvent['kind'];

/** gRPC status codes a stream may end with (the pure core does not import grpc). */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcStatusName = keyof typeof GrpcStatus;

/** The stream must end with this status; nothing more is written. */
export interface StreamFailure {
  status: GrpcStatusName;
  code: number;
  message: string;
}

export function streamFailure(status: GrpcStatusName, message: string): StreamFailure {
  return { status, code: GrpcStatus[status], message };
}

/** The outcome of feeding a stream one input. */
export interface StreamStep<R> {
  responses: R[];
  events: StreamEvent[];
  failure?: StreamFailure;
}

export function emptyStep<R>(): StreamStep<R> {
  return { responses: [], events: [] };
}
