/** Wire types (protobuf encoding spec): how a field's value is laid out after its tag. */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  Fixed32: 5,
} as const;

export type WireType = (typeof WireType)[keyof typeof WireType];

/** A field's tag: `field_number << 3 | wire_type`, written as a varint before its value. */
export function tagOf(fieldNumber: number, wireType: WireType): number {
  return ((fieldNumber << 3) | wireType) >>> 0;
}
