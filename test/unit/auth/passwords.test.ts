import { describe, expect, it } from "vitest";
import {
  createPasswordHasher,
  hashPassword,
  MAX_WORKERS_PBKDF2_ITERATIONS,
  PBKDF2_ITERATIONS,
  storedIterations,
  timingSafeEqual,
  verifyDummy,
  verifyPassword,
} from "../../../src/domains/auth/passwords";

const PEPPER = "a-pepper-of-at-least-16-chars";

describe("password hashing", () => {
  it("never configures more PBKDF2 iterations than production Workers accept (100,000)", () => {
    // Local workerd accepts more; deployed Workers reject them, so this guard must hold.
    expect(MAX_WORKERS_PBKDF2_ITERATIONS).toBe(100_000);
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(MAX_WORKERS_PBKDF2_ITERATIONS);
    expect(PBKDF2_ITERATIONS).toBe(100_000);
  });

  it("refuses to hash above the limit", async () => {
    await expect(hashPassword("pw", { iterations: 100_001 })).rejects.toThrow(RangeError);
  });

  it("stores a self-describing string: algorithm, iterations, 16-byte salt, 32-byte hash", async () => {
    const stored = await hashPassword("correct-horse");
    const [empty, algorithm, params, salt, hash] = stored.split("$");
    expect(empty).toBe("");
    expect(algorithm).toBe("pbkdf2-sha256");
    expect(params).toBe("i=100000");
    expect(atob(salt ?? "").length).toBe(16);
    expect(atob(hash ?? "").length).toBe(32);
    expect(storedIterations(stored)).toBe(100_000);
  });

  it("salts randomly: the same password hashes differently", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("verifies the right password only", async () => {
    const stored = await hashPassword("correct-horse");
    expect(await verifyPassword("correct-horse", stored)).toEqual({
      valid: true,
      needsRehash: false,
    });
    expect(await verifyPassword("correct-horsf", stored)).toEqual({ valid: false });
    expect(await verifyPassword("", stored)).toEqual({ valid: false });
  });

  it("asks for a rehash when the stored hash used fewer iterations", async () => {
    const stored = await hashPassword("pw", { iterations: 1000 });
    expect(storedIterations(stored)).toBe(1000);
    expect(await verifyPassword("pw", stored)).toEqual({ valid: true, needsRehash: true });
  });

  it("never verifies a hash it did not make, or one above the iteration limit", async () => {
    const stored = await hashPassword("pw");
    const tooMany = stored.replace("i=100000", "i=200000");
    expect(await verifyPassword("pw", tooMany)).toEqual({ valid: false });
    expect(await verifyPassword("pw", "not-a-real-hash")).toEqual({ valid: false });
    expect(await verifyPassword("pw", "$pbkdf2-sha256$i=1$$")).toEqual({ valid: false });
  });

  describe("with PASSWORD_PEPPER", () => {
    it("HMACs the password first: the hash does not verify without the pepper", async () => {
      const stored = await hashPassword("pw", { pepper: PEPPER });
      expect(stored).toContain("$i=100000,pepper=1$");
      expect(await verifyPassword("pw", stored, { pepper: PEPPER })).toEqual({
        valid: true,
        needsRehash: false,
      });
      expect(await verifyPassword("pw", stored, { pepper: `${PEPPER}-other` })).toEqual({
        valid: false,
      });
      await expect(verifyPassword("pw", stored)).rejects.toThrow(/PASSWORD_PEPPER/);
    });

    it("upgrades unpeppered hashes on login once a pepper is configured", async () => {
      const stored = await hashPassword("pw");
      expect(await verifyPassword("pw", stored, { pepper: PEPPER })).toEqual({
        valid: true,
        needsRehash: true,
      });
    });
  });

  it("dummy verification always fails", async () => {
    expect(await verifyDummy("anything")).toBe(false);
    expect(await createPasswordHasher({ pepper: PEPPER }).verifyDummy("x")).toBe(false);
  });

  it("compares bytes without an early exit on the first difference", () => {
    const a = new Uint8Array([1, 2, 3]);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(timingSafeEqual(a, new Uint8Array([0, 2, 3]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 4]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([1, 2]))).toBe(false);
  });
});
