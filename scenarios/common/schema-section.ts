import { Type, type TObject, type TProperties } from '@sinclair/typebox';

/**
 * A section of an options schema (scenario, server, faults): an object of the named fields only,
 * which a file may leave out, for its default is {} and validation fills in each field's own default.
 */
export function section<T extends TProperties>(description: string, properties: T): TObject<T> {
  return Type.Object(properties, { description, additionalProperties: false, default: {} });
}
