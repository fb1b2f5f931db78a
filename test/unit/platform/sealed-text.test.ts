import { describe, expect, it } from "vitest";
import { isSealed, SealedTextError, TextSealer } from "../../../src/lib/sealed-text";

const KEY_A = "c2VhbGVkLXRleHQta2V5LWEtMDEyMzQ1Njc4OS1hYmNkZWZnaGlq";
const KEY_B = "c2VhbGVkLXRleHQta2V5LWItMDEyMzQ1Njc4OS1hYmNkZWZnaGlq";
const SECRET = '{"token":"rX1-secret-reset-token"}';

async function failure(promise: Promise<unknown>): Promise<SealedTextError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the text not to open");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SealedTextError);
  return error as SealedTextError;
}

/** Flips one bit of the part at `index` (0 kid, 1 iv, 2 ciphertext) of a sealed text. */
function flipped(sealed: string, index: number): string {
  const prefix = "sealed.v1.";
  const parts = sealed.slice(prefix.length).split(".");
  const part = parts[index] ?? "";
  const last = part.at(-2) === "A" ? "B" : "A";
  parts[index] = `${part.slice(0, -2)}${last}${part.at(-1)}`;
  return `${prefix}${parts.join(".")}`;
}

describe("TextSealer (AES-256-GCM, key ids for rotation)", () => {
  it("round trips, and the sealed form shows none of the plaintext", async () => {
    const sealer = new TextSealer({ current: KEY_A });
    const sealed = await sealer.seal(SECRET, "row-1");
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain("secret-reset-token");
    expect(sealed).toMatch(/^sealed\.v1\.[\w-]+\.[\w-]{16}\.[\w-]+$/);
    expect(await sealer.open(sealed, "row-1")).toBe(SECRET);
  });

  it("uses a fresh IV each time: the same text seals differently", async () => {
    const sealer = new TextSealer({ current: KEY_A });
    expect(await sealer.seal(SECRET, "row-1")).not.toBe(await sealer.seal(SECRET, "row-1"));
  });

  it("does not open with another key, nor names a key it does not have", async () => {
    const sealed = await new TextSealer({ current: KEY_A }).seal(SECRET, "row-1");
    const error = await failure(new TextSealer({ current: KEY_B }).open(sealed, "row-1"));
    expect(error.message).toContain("No configured key");
    expect(error.message).not.toContain(KEY_A);
  });

  it("refuses a tampered ciphertext, IV or key id", async () => {
    const sealer = new TextSealer({ current: KEY_A });
    const sealed = await sealer.seal(SECRET, "row-1");
    for (const part of [2, 1, 0]) await failure(sealer.open(flipped(sealed, part), "row-1"));
  });

  it("refuses a sealed text moved to another context (row)", async () => {
    const sealer = new TextSealer({ current: KEY_A });
    const sealed = await sealer.seal(SECRET, "row-1");
    await failure(sealer.open(sealed, "row-2"));
  });

  it("refuses what is not a sealed text", async () => {
    const sealer = new TextSealer({ current: KEY_A });
    for (const text of [
      SECRET,
      "sealed.v1.",
      "sealed.v1.a.b",
      "sealed.v1.a.b.c.d",
      "sealed.v1.k.!!.x",
    ]) {
      await failure(sealer.open(text, "row-1"));
    }
    expect(isSealed(SECRET)).toBe(false);
  });

  it("rotates: the previous key still opens its texts, new texts use the current key", async () => {
    const before = new TextSealer({ current: KEY_A });
    const old = await before.seal(SECRET, "row-1");
    const during = new TextSealer({ current: KEY_B, previous: KEY_A });
    expect(await during.open(old, "row-1")).toBe(SECRET);
    const fresh = await during.seal(SECRET, "row-2");
    expect(fresh.split(".")[2]).not.toBe(old.split(".")[2]);
    // After the rotation ends, only texts of the current key open.
    const after = new TextSealer({ current: KEY_B });
    expect(await after.open(fresh, "row-2")).toBe(SECRET);
    await failure(after.open(old, "row-1"));
  });
});
