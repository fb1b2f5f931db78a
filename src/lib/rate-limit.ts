import { RateLimitedError } from "./errors";

/** Counts one attempt for `key`; throws RateLimitedError when the key is over its limit. */
export interface RateLimiter {
  consume(key: string): Promise<void>;
}

/**
 * Adapter over a Workers rate-limiting binding (wrangler.toml `[[ratelimits]]`). The binding
 * does not say when its window ends, so Retry-After is the configured period.
 */
export function bindingRateLimiter(binding: RateLimit, periodSeconds: number): RateLimiter {
  return {
    async consume(key) {
      const { success } = await binding.limit({ key });
      if (!success) throw new RateLimitedError(periodSeconds);
    },
  };
}
