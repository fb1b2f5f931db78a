import { base64url } from "jose";
import { namedKeys } from "./named-keys";

/**
 * Authenticated encryption of short texts kept at rest (AES-256-GCM through WebCrypto).
 *
 * A sealed text reads `sealed.v1.<kid>.<iv>.<ciphertext>` (base64url parts; the ciphertext
 * ends with GCM's 16-byte tag). The AES key is derived with HKDF-SHA-256 from a secret of
 * 32+ random bytes; `kid` is a SHA-256 prefix of that secret (it says nothing about it), so
 * after a rotation a text sealed with the previous secret still opens, and one sealed with
 * a secret no longer configured fails with a clear error. `context` (what the text belongs
 * to, e.g. its row) is authenticated as well: a sealed text copied elsewhere does not open.
 */

const PREFIX = "sealed.v1.";
/** GCM's recommended nonce size; random per seal (2^-32 collision bound at 2^32 seals per key). */
const IV_BYTES = 12;
/** Domain separation: this secret's AES key is useless for anything else HKDF derives. */
const KEY_INFO = new TextEncoder().encode("edge-store sealed-text v1 aes-256-gcm");

export class SealedTextError extends Error {
  override readonly name = "SealedTextError";
}

export type SealingSecrets = {
  /** Seals new texts and opens its own. */
  current: string;
  /** The secret before the last rotation: its texts still open, none are sealed with it. */
  previous?: string | undefined;
};

/** The AES key is derived with HKDF, so the secret itself never keys anything else. */
const sealingKey = namedKeys(9, async (secret) => {
  const base = await crypto.subtle.importKey("raw", secret, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: KEY_INFO },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
});

/** Whether `text` has the sealed form (a JSON text never does: it starts with `{` or `[`). */
export function isSealed(text: string): boolean {
  return text.startsWith(PREFIX);
}

function gcm(iv: Uint8Array, context: string) {
  return { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(context) };
}

export class TextSealer {
  constructor(private readonly secrets: SealingSecrets) {}

  async seal(plaintext: string, context: string): Promise<string> {
    const { kid, key } = await sealingKey(this.secrets.current);
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = await crypto.subtle.encrypt(
      gcm(iv, context),
      key,
      new TextEncoder().encode(plaintext),
    );
    return `${PREFIX}${kid}.${base64url.encode(iv)}.${base64url.encode(new Uint8Array(sealed))}`;
  }

  /** Throws SealedTextError for a malformed text, an unknown key, a wrong context or tampering. */
  async open(sealed: string, context: string): Promise<string> {
    const parts = isSealed(sealed) ? sealed.slice(PREFIX.length).split(".") : [];
    const [kid, iv, data] = parts;
    if (parts.length !== 3 || !kid || !iv || !data) {
      throw new SealedTextError("Not a sealed text");
    }
    const key = await this.keyFor(kid);
    let plaintext: ArrayBuffer;
    try {
      plaintext = await crypto.subtle.decrypt(gcm(decoded(iv), context), key, decoded(data));
    } catch {
      throw new SealedTextError(`Sealed text does not open with key ${kid} (altered or moved)`);
    }
    return new TextDecoder().decode(plaintext);
  }

  private async keyFor(kid: string): Promise<CryptoKey> {
    for (const secret of [this.secrets.current, this.secrets.previous]) {
      if (secret === undefined) continue;
      const candidate = await sealingKey(secret);
      if (candidate.kid === kid) return candidate.key;
    }
    throw new SealedTextError(`No configured key has id ${kid} (was it rotated out too early?)`);
  }
}

function decoded(part: string): Uint8Array {
  try {
    return base64url.decode(part);
  } catch {
    throw new SealedTextError("Not a sealed text");
  }
}
