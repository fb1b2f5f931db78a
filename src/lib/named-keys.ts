import { base64url } from "jose";

/** A CryptoKey made from a secret, and the id (`kid`) that names it without revealing it. */
export type NamedKey = { kid: string; key: CryptoKey };

/**
 * One key per secret per isolate (importing or deriving is the costly part; the runtime
 * reuses isolates across requests). The `kid` is a prefix of the secret's SHA-256 in
 * base64url, so every isolate names a key alike without configuration, and a rotation is
 * told apart by the id alone.
 */
export function namedKeys(
  kidBytes: number,
  makeKey: (secret: Uint8Array) => Promise<CryptoKey>,
): (secret: string) => Promise<NamedKey> {
  const cache = new Map<string, Promise<NamedKey>>();
  return (secret) => {
    let entry = cache.get(secret);
    if (!entry) {
      entry = (async () => {
        const bytes = new TextEncoder().encode(secret);
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
        return { kid: base64url.encode(digest.slice(0, kidBytes)), key: await makeKey(bytes) };
      })();
      cache.set(secret, entry);
    }
    return entry;
  };
}
