import protobuf from 'protobufjs';
import { ANY, anyTarget } from './any-type.js';
import { uncheckedRules } from './checked-rules.js';
import { mapProblems, repeatedProblems } from './collection-rules.js';
import { enumProblems } from './enum-rules.js';
import { fieldDeprecated, fieldRules, messageDisabled, oneofRequired, type Rules } from './rules.js';
import { scalarProblems } from './scalar-rules.js';
import { joinPath, typeName, type EnvoyViolation, type RuleProblem } from './violation.js';
import { anyProblems, durationProblems } from './well-known-rules.js';

type Decoded = protobuf.Message & Record<string, any>;

const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (w) => `google.protobuf.${w}Value`,
  ),
);

const unchecked = new WeakMap<protobuf.Field, string[]>();

function uncheckedOf(field: protobuf.Field, rules: Rules): string[] {
  let found = unchecked.get(field);
  if (!found) unchecked.set(field, (found = uncheckedRules(rules)));
  return found;
}

function has(msg: Decoded, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, name);
}

function report(path: string, problems: RuleProblem[], out: EnvoyViolation[]): void {
  for (const p of problems) out.push({ path, ...p });
}

/** Rules of a set message-typed value, then the rules inside it (inside an `Any`, its packed message's). */
function checkMessage(
  type: protobuf.Type,
  m: Decoded,
  rules: Rules | undefined,
  path: string,
  out: EnvoyViolation[],
) {
  const name = typeName(type);
  if (rules?.duration && name === 'google.protobuf.Duration')
    report(path, durationProblems({ seconds: m.seconds, nanos: m.nanos }, rules.duration), out);
  if (rules && WRAPPERS.has(name)) report(path, scalarProblems(m.value, rules), out);
  if (rules?.any && name === ANY) report(path, anyProblems(String(m.type_url ?? ''), rules.any), out);
  if (rules?.message?.skip) return;
  if (name !== ANY) return validateMessage(type, m, path, out);
  // Unknown Any types are reported by the wire walk; there is nothing to check them against here.
  const target = anyTarget(type.root, String(m.type_url ?? ''));
  if (target) validateMessage(target, target.decode(m.value ?? new Uint8Array()) as Decoded, path, out);
}

function checkValue(
  field: protobuf.Field,
  value: unknown,
  rules: Rules | undefined,
  path: string,
  out: EnvoyViolation[],
) {
  const sub = field.resolvedType;
  if (sub instanceof protobuf.Type) checkMessage(sub, value as Decoded, rules, path, out);
  else if (sub instanceof protobuf.Enum) {
    if (rules?.enum) report(path, enumProblems(sub, typeof value === 'number' ? value : 0, rules.enum), out);
  } else if (rules) report(path, scalarProblems(value, rules), out);
}

function checkRepeated(
  field: protobuf.Field,
  items: unknown[],
  r: Rules | undefined,
  path: string,
  out: EnvoyViolation[],
) {
  if (r) report(path, repeatedProblems(items, r), out);
  items.forEach((item, i) => checkValue(field, item, r?.items, `${path}[${i}]`, out));
}

function checkMap(
  field: protobuf.Field,
  map: Record<string, unknown>,
  r: Rules | undefined,
  path: string,
  out: EnvoyViolation[],
) {
  const entries = Object.entries(map);
  if (r) report(path, mapProblems(entries.length, r), out);
  for (const [k, v] of entries) {
    const at = `${path}[${k}]`;
    const keyProblems = r?.keys ? scalarProblems(k, r.keys) : [];
    report(
      at,
      keyProblems.map((p) => ({ ...p, rule: `map.keys.${p.rule}` })),
      out,
    );
    checkValue(field, v, r?.values, at, out);
  }
}

function checkOneofs(type: protobuf.Type, msg: Decoded, path: string, out: EnvoyViolation[]): void {
  for (const oneof of type.oneofsArray) {
    if (oneofRequired(oneof) && !oneof.fieldsArray.some((f) => has(msg, f.name))) {
      const message = `one of ${oneof.oneof.join(', ')} is required`;
      out.push({ path: joinPath(path, oneof.name), rule: 'oneof.required', message });
    }
  }
}

function requiredMessage(rules: Rules | undefined): boolean {
  return Boolean(
    rules?.message?.required ||
    rules?.duration?.required ||
    rules?.any?.required ||
    rules?.timestamp?.required,
  );
}

/**
 * protoc-gen-validate's checks over a decoded message, as Envoy runs them: an unset scalar is checked
 * as its default value, an unset message only for `required`, an unset oneof member not at all.
 */
export function validateMessage(
  type: protobuf.Type,
  msg: Decoded,
  path: string,
  out: EnvoyViolation[],
): void {
  if (messageDisabled(type)) return;
  checkOneofs(type, msg, path, out);
  for (const field of type.fieldsArray) {
    const rules = fieldRules(field);
    const where = joinPath(path, field.name);
    const present = has(msg, field.name);
    if (field.partOf && !present) continue;
    for (const name of rules ? uncheckedOf(field, rules) : [])
      out.push({ path: where, rule: 'unchecked', message: `rule ${name} is not checked here` });
    // protobufjs gives every decoded message its lists and maps, empty when absent from the wire.
    const value = msg[field.name] ?? (field.map ? {} : field.repeated ? [] : undefined);
    const set = field.map ? Object.keys(value).length > 0 : field.repeated ? value.length > 0 : present;
    if (set && fieldDeprecated(field))
      out.push({ path: where, rule: 'deprecated', message: 'deprecated field' });
    if (field.map) checkMap(field, value, rules?.map, where, out);
    else if (field.repeated) checkRepeated(field, value, rules?.repeated, where, out);
    else if (field.resolvedType instanceof protobuf.Type && !present) {
      if (requiredMessage(rules)) out.push({ path: where, rule: 'message.required', message: 'is required' });
    } else if (present || !field.options?.proto3_optional) {
      // proto3 `optional` scalars are checked only when set.
      checkValue(field, value, rules, where, out);
    }
  }
}
