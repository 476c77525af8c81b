import type protobuf from 'protobufjs';
import type { Rules } from './rules.js';
import type { RuleProblem } from './violation.js';

/** The `enum` rule keys evaluated here; any other is reported as unchecked. */
export const ENUM_CHECKED = ['defined_only', 'in', 'not_in'];

/** Problems of one enum value (a number: the wire keeps values the enum does not define). */
export function enumProblems(type: protobuf.Enum, v: number, r: Rules): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (r.defined_only && type.valuesById[v] === undefined)
    out.push({ rule: 'enum.defined_only', message: `${v} is not a value of ${type.name}` });
  if (Array.isArray(r.in) && !r.in.includes(v)) out.push({ rule: 'enum.in', message: `${v} not allowed` });
  if (Array.isArray(r.not_in) && r.not_in.includes(v))
    out.push({ rule: 'enum.not_in', message: `${v} not allowed` });
  return out;
}
