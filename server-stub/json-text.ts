/**
 * Pieces of JSON text exactly as JSON.stringify prints them, for texts written field by field on the
 * check-in path: JSON.stringify is a call into the runtime each time, about as costly for one short
 * string as for an object, where these are a scan of the characters and a concatenation.
 */

/** A string as JSON.stringify prints it. */
export function jsonString(text: string): string {
  return isPlain(text) ? `"${text}"` : JSON.stringify(text);
}

/** Whether JSON.stringify prints the text as it is: no quote, backslash, control character, or surrogate half (a lone one it escapes). */
function isPlain(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

/** A number as JSON.stringify prints it: NaN and the infinities as null, -0 as 0. */
export function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
