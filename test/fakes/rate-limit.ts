import { RateLimitedError } from "../../src/lib/errors";
import type { RateLimiter } from "../../src/lib/rate-limit";

/** Allows `limit` attempts per key, then refuses as a Workers rate-limit binding does. */
export class FakeLimiter implements RateLimiter {
  readonly keys: string[] = [];
  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}
  async consume(key: string): Promise<void> {
    this.keys.push(key);
    if (this.keys.filter((seen) => seen === key).length > this.limit) {
      throw new RateLimitedError(60);
    }
  }
}
