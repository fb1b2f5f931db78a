import { base64url } from "jose";
import { sha256Hex } from "../../lib/encoding";

/** Opaque bearer secrets (refresh and reset tokens): random, and stored only as hashes. */

const TOKEN_BYTES = 32;

/** 32 random bytes, base64url (43 characters). */
export function newOpaqueToken(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(TOKEN_BYTES)));
}

/**
 * SHA-256 of the token, hex. The tokens carry 256 bits of entropy, so a fast hash is
 * enough: a leaked table cannot be turned back into usable tokens.
 */
export function hashOpaqueToken(token: string): Promise<string> {
  return sha256Hex(token);
}
