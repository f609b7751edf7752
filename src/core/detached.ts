/**
 * A copy of `text` that shares no memory with the string it came from. V8 keeps a substring as a
 * slice of its parent, so a key cut from a request body (a SAML assertion ID, an ARN parameter)
 * would keep the whole body alive for as long as a cache or store holds the key. Anything kept
 * beyond one request and derived from input goes through here.
 */
export function detached(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
