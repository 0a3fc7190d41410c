/** An answer's JSON body; undefined when empty, `{ unparsable }` with the text when it is not JSON. */
export function parseReplyBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
}
