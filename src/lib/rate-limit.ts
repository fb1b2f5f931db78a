import { RateLimitedError } from "./errors";

/** Counts one attempt for `key`; throws RateLimitedError when the key is over its limit. */
export interface RateLimiter {
  consume(key: string): Promise<void>;
}

/**
 * Every Workers rate-limiting binding the app uses, with the limit and period (seconds) that
 * `wrangler.toml` configures for it in every environment. The binding itself does not say
 * when its window ends, so Retry-After is the period from here; a test
 * (test/unit/platform/rate-limits-config.test.ts) fails when wrangler.toml and this table
 * disagree, so the two cannot drift.
 */
export const RATE_LIMITS = {
  LOGIN_EMAIL_LIMITER: { limit: 5, period: 60 },
  LOGIN_IP_LIMITER: { limit: 20, period: 60 },
  RESET_EMAIL_LIMITER: { limit: 3, period: 60 },
  REGISTER_IP_LIMITER: { limit: 10, period: 60 },
  PASSWORD_CHANGE_LIMITER: { limit: 5, period: 60 },
  ORDER_PLACE_LIMITER: { limit: 30, period: 60 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

/** `per minute`: a limit's window as the documentation states it. */
export function perPeriod(name: RateLimitName): string {
  const { period } = RATE_LIMITS[name];
  return period === 60 ? "per minute" : `per ${period} s`;
}

/** Adapter over a Workers rate-limiting binding (wrangler.toml `[[ratelimits]]`). */
export function bindingRateLimiter(binding: RateLimit, name: RateLimitName): RateLimiter {
  const { period } = RATE_LIMITS[name];
  return {
    async consume(key) {
      const { success } = await binding.limit({ key });
      if (!success) throw new RateLimitedError(period);
    },
  };
}

/** The one bucket shared by every request that carries no usable client IP. */
export const NO_CLIENT_IP_KEY = "ip:none";

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4Key(address: string): string | null {
  const octets = IPV4.exec(address)?.slice(1).map(Number);
  if (!octets || octets.some((octet) => octet > 255)) return null;
  return `ip4:${octets.join(".")}`;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail counts as two). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const v4Tail = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4Tail?.[1]) {
    const octets = v4Tail[1].split(".").map(Number);
    if (octets.some((octet) => octet > 255)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    text = `${text.slice(0, v4Tail.index)}:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) => (part ? part.split(":") : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => Number.parseInt(group, 16));
}

/**
 * The rate-limit bucket of a client address (`CF-Connecting-IP`). An IPv4 address is its own
 * bucket; an IPv6 address counts as its /64, since one host usually holds a whole /64 and
 * could otherwise rotate through 2^64 buckets (IPv4-mapped IPv6 is keyed as the IPv4 it
 * maps). A missing or unparseable address shares one bucket with every other such request,
 * so it can never be used to step around a limit.
 */
export function clientIpKey(header: string | undefined | null): string {
  const address = header?.trim() ?? "";
  if (!address) return NO_CLIENT_IP_KEY;
  const v4 = ipv4Key(address);
  if (v4) return v4;
  const groups = address.includes(":") ? ipv6Groups(address.replace(/%.*$/, "")) : null;
  if (!groups) return NO_CLIENT_IP_KEY;
  const isMapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (isMapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `ip4:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const prefix = groups.slice(0, 4).map((group) => group.toString(16));
  return `ip6:${prefix.join(":")}::/64`;
}
