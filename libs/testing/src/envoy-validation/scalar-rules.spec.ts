import { scalarProblems } from './scalar-rules.js';

// One value each rule family accepts and one it refuses, with the rule the refusal names. Rules are
// written as protobufjs parses them from Envoy's protos: `{ string: { min_len: 1 } }`.
/** A 64-bit value as protobufjs decodes it (a Long), named in the test title. */
const long = (n: string) => ({ toString: () => n, toJSON: () => `Long(${n})` });

const cases: [rules: Record<string, unknown>, accepted: unknown, refused: unknown, rule: string][] = [
  [{ string: { const: 'h2' } }, 'h2', 'h3', 'string.const'],
  [{ string: { len: 2 } }, 'é!', 'é', 'string.len'],
  [{ string: { min_len: 1 } }, 'a', '', 'string.min_len'],
  [{ string: { max_len: 2 } }, 'ab', 'abc', 'string.max_len'],
  [{ string: { min_bytes: 2 } }, 'é', 'e', 'string.min_bytes'],
  [{ string: { max_bytes: 1 } }, 'e', 'é', 'string.max_bytes'],
  [{ string: { prefix: 'envoy.' } }, 'envoy.tls', 'tls', 'string.prefix'],
  [{ string: { suffix: '.svc' } }, 'a.svc', 'a.local', 'string.suffix'],
  [{ string: { contains: '~' } }, 'a~b', 'ab', 'string.contains'],
  [{ string: { not_contains: ' ' } }, 'ab', 'a b', 'string.not_contains'],
  [{ string: { pattern: '^[^:]+$' } }, 'host', 'host:80', 'string.pattern'],
  [{ string: { in: ['h2', 'http/1.1'] } }, 'h2', 'h3', 'string.in'],
  [{ string: { not_in: ['*'] } }, 'a', '*', 'string.not_in'],
  [{ string: { well_known_regex: 'HTTP_HEADER_NAME' } }, ':authority', 'x y', 'string.well_known_regex'],
  [{ string: { well_known_regex: 'HTTP_HEADER_NAME' } }, 'x-a', '', 'string.well_known_regex'],
  [{ string: { well_known_regex: 'HTTP_HEADER_VALUE' } }, 'a\tb', 'a\u0001', 'string.well_known_regex'],
  [
    { string: { well_known_regex: 'HTTP_HEADER_NAME', strict: false } },
    'x y',
    'x\r\ny',
    'string.well_known_regex',
  ],
  [{ string: { hostname: true } }, 'sds-server.keyway.svc', '-a.svc', 'string.hostname'],
  [{ string: { ip: true } }, '::1', 'localhost', 'string.ip'],
  [{ string: { ipv4: true } }, '127.0.0.1', '::1', 'string.ipv4'],
  [{ string: { ipv6: true } }, '::1', '127.0.0.1', 'string.ipv6'],
  [{ string: { address: true } }, '10.0.0.1', 'a b', 'string.address'],
  [{ string: { min_len: 3, ignore_empty: true } }, '', 'ab', 'string.min_len'],
  [{ string: { well_known_regex: 'UNKNOWN' } }, undefined, 'a', 'unchecked'],
  [{ uint32: { const: 1 } }, 1, 2, 'uint32.const'],
  [{ uint32: { gt: 0 } }, 1, 0, 'uint32.gt'],
  [{ uint32: { gte: 1 } }, 1, 0, 'uint32.gte'],
  [{ uint32: { lt: 65536 } }, 65535, 65536, 'uint32.lt'],
  [{ uint32: { lte: 65535 } }, 65535, 70000, 'uint32.lte'],
  [{ uint32: { in: [1, 2] } }, 2, 3, 'uint32.in'],
  [{ uint32: { not_in: [0] } }, 1, 0, 'uint32.not_in'],
  [{ uint64: { gt: 0 } }, long('1'), long('0'), 'uint64.gt'],
  [{ double: { gte: 0, lte: 1 } }, 0.5, 1.5, 'double.lte'],
  [{ bool: { const: true } }, true, false, 'bool.const'],
  [{ bytes: { len: 2 } }, Buffer.from('ab'), Buffer.from('a'), 'bytes.len'],
  [{ bytes: { min_len: 1 } }, Buffer.from('a'), Buffer.alloc(0), 'bytes.min_len'],
  [{ bytes: { max_len: 1 } }, Buffer.from('a'), Buffer.from('ab'), 'bytes.max_len'],
];

describe('scalar validate.rules', () => {
  const title = '%j: accepts %j, refuses %j as %s';

  it.each(cases.filter(([, accepted]) => accepted !== undefined))(`${title} (accepts)`, (rules, accepted) => {
    expect(scalarProblems(accepted, rules)).toEqual([]);
  });

  it.each(cases)(`${title} (refuses)`, (rules, _accepted, refused, rule) => {
    expect(scalarProblems(refused, rules)).toEqual([expect.objectContaining({ rule })]);
  });
});
