/**
 * Password hashing: PBKDF2-HMAC-SHA256 through WebCrypto, so the same code runs in the
 * Worker and in Node scripts (create-admin, seed). Pure functions and plain objects only
 * (no imports, no enums, no parameter properties): Node runs this file by stripping types.
 *
 * Stored format, self-describing so parameters can be raised later (rehash on login):
 *   $pbkdf2-sha256$i=100000$<salt>$<hash>            (no pepper)
 *   $pbkdf2-sha256$i=100000,pepper=1$<salt>$<hash>   (password HMAC-ed with PASSWORD_PEPPER first)
 * salt and hash are base64 without padding (PHC string format).
 */

/**
 * Production Workers refuse PBKDF2 above 100,000 iterations (local workerd does not), so
 * this is both the target and the ceiling. A unit test fails if it ever exceeds that.
 */
export const PBKDF2_ITERATIONS = 100_000;
export const MAX_WORKERS_PBKDF2_ITERATIONS = 100_000;
const ALGORITHM = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BITS = 256;

export type PasswordOptions = { pepper?: string | undefined; iterations?: number };

export type Verification = { valid: false } | { valid: true; needsRehash: boolean };

type ParsedHash = { iterations: number; peppered: boolean; salt: Uint8Array; hash: Uint8Array };

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/=+$/, "");
}

function fromBase64(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

function checkIterations(iterations: number): void {
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError("PBKDF2 iterations must be a positive integer");
  }
  if (iterations > MAX_WORKERS_PBKDF2_ITERATIONS) {
    throw new RangeError(
      `PBKDF2 iterations above ${MAX_WORKERS_PBKDF2_ITERATIONS} fail on production Workers`,
    );
  }
}

/** HMAC-SHA256(pepper, password) when a pepper is configured, else the password's bytes. */
async function keyMaterial(password: string, pepper: string | undefined): Promise<Uint8Array> {
  const bytes = encoder.encode(password);
  if (!pepper) return bytes;
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(pepper),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes));
}

async function derive(
  password: string,
  pepper: string | undefined,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  checkIterations(iterations);
  const key = await crypto.subtle.importKey(
    "raw",
    await keyMaterial(password, pepper),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

/** Compares every byte whatever the first difference, so timing says nothing about the hash. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

function parse(stored: string): ParsedHash | null {
  const parts = stored.split("$");
  if (parts.length !== 5 || parts[0] !== "" || parts[1] !== ALGORITHM) return null;
  const params = new Map(
    (parts[2] ?? "").split(",").map((pair) => pair.split("=", 2) as [string, string]),
  );
  const iterations = Number(params.get("i"));
  const salt = fromBase64(parts[3] ?? "");
  const hash = fromBase64(parts[4] ?? "");
  if (!Number.isInteger(iterations) || iterations < 1) return null;
  if (iterations > MAX_WORKERS_PBKDF2_ITERATIONS) return null;
  if (!salt || salt.length < SALT_BYTES || !hash || hash.length !== HASH_BITS / 8) return null;
  return { iterations, peppered: params.get("pepper") === "1", salt, hash };
}

/** The iteration count recorded in a stored hash, or null when it is not one of ours. */
export function storedIterations(stored: string): number | null {
  return parse(stored)?.iterations ?? null;
}

export async function hashPassword(
  password: string,
  options: PasswordOptions = {},
): Promise<string> {
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, options.pepper, salt, iterations);
  const params = options.pepper ? `i=${iterations},pepper=1` : `i=${iterations}`;
  return `$${ALGORITHM}$${params}$${toBase64(salt)}$${toBase64(hash)}`;
}

/**
 * Checks a password against a stored hash. `needsRehash` says the hash was made with older
 * parameters (fewer iterations, or before a pepper was configured): store a fresh one.
 * A hash that is not ours (or unusable) never verifies.
 */
export async function verifyPassword(
  password: string,
  stored: string,
  options: PasswordOptions = {},
): Promise<Verification> {
  const parsed = parse(stored);
  if (!parsed) return { valid: false };
  if (parsed.peppered && !options.pepper) {
    // Failing loudly beats every login silently answering "invalid credentials".
    throw new Error("A stored password hash needs PASSWORD_PEPPER, which is not configured");
  }
  const pepper = parsed.peppered ? options.pepper : undefined;
  const candidate = await derive(password, pepper, parsed.salt, parsed.iterations);
  if (!timingSafeEqual(candidate, parsed.hash)) return { valid: false };
  const target = options.iterations ?? PBKDF2_ITERATIONS;
  const needsRehash = parsed.iterations < target || parsed.peppered !== Boolean(options.pepper);
  return { valid: true, needsRehash };
}

const DUMMY_SALT = new Uint8Array(SALT_BYTES);
const DUMMY_HASH = new Uint8Array(HASH_BITS / 8);

/**
 * Spends the same work as a real verification and always fails: used for unknown emails so
 * the response time does not reveal which accounts exist.
 */
export async function verifyDummy(password: string, options: PasswordOptions = {}): Promise<false> {
  const candidate = await derive(
    password,
    options.pepper,
    DUMMY_SALT,
    options.iterations ?? PBKDF2_ITERATIONS,
  );
  timingSafeEqual(candidate, DUMMY_HASH);
  return false;
}

/** The hashing operations bound to this deployment's settings, as services receive them. */
export type PasswordHasher = {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<Verification>;
  verifyDummy(password: string): Promise<false>;
};

export function createPasswordHasher(options: PasswordOptions = {}): PasswordHasher {
  return {
    hash: (password) => hashPassword(password, options),
    verify: (password, stored) => verifyPassword(password, stored, options),
    verifyDummy: (password) => verifyDummy(password, options),
  };
}
