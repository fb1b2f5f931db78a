import { describe, expect, it } from "vitest";
import { clientIpKey, NO_CLIENT_IP_KEY, RATE_LIMITS } from "../../../src/lib/rate-limit";
import wranglerToml from "../../../wrangler.toml?raw";

describe("clientIpKey", () => {
  it("keys an IPv4 address as itself", () => {
    expect(clientIpKey("203.0.113.7")).toBe("ip4:203.0.113.7");
    expect(clientIpKey(" 203.0.113.7 ")).toBe("ip4:203.0.113.7");
    expect(clientIpKey("203.0.113.8")).not.toBe(clientIpKey("203.0.113.7"));
  });

  it("keys an IPv6 address by its /64, however it is written", () => {
    const key = clientIpKey("2001:db8:abcd:12::1");
    expect(key).toBe("ip6:2001:db8:abcd:12::/64");
    expect(clientIpKey("2001:0DB8:ABCD:0012:ffff:ffff:ffff:ffff")).toBe(key);
    expect(clientIpKey("2001:db8:abcd:12:1:2:3:4")).toBe(key);
    expect(clientIpKey("2001:db8:abcd:13::1")).not.toBe(key);
    expect(clientIpKey("::1")).toBe("ip6:0:0:0:0::/64");
    expect(clientIpKey("fe80::1%eth0")).toBe("ip6:fe80:0:0:0::/64");
  });

  it("keys an IPv4-mapped IPv6 address as the IPv4 address", () => {
    expect(clientIpKey("::ffff:203.0.113.7")).toBe("ip4:203.0.113.7");
    expect(clientIpKey("::ffff:cb00:7107")).toBe("ip4:203.0.113.7");
  });

  it.each([
    undefined,
    null,
    "",
    "unknown",
    "ip4:1.2.3.4",
    "256.1.1.1",
    "1.2.3",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "2001:db8::zzzz",
  ])("puts a missing or unusable address (%s) in the one shared bucket", (header) => {
    expect(clientIpKey(header)).toBe(NO_CLIENT_IP_KEY);
  });
});

type Configured = { env: string; name: string; namespace: string; limit: number; period: number };

/** The `[[ratelimits]]` tables of every environment in wrangler.toml. */
function configuredLimits(toml: string): Configured[] {
  const block =
    /\[\[(?:env\.(\w+)\.)?ratelimits\]\]\s*name\s*=\s*"(\w+)"\s*namespace_id\s*=\s*"(\d+)"\s*simple\s*=\s*\{\s*limit\s*=\s*(\d+)\s*,\s*period\s*=\s*(\d+)\s*\}/g;
  return [...toml.matchAll(block)].map((m) => ({
    env: m[1] ?? "top-level",
    name: m[2] ?? "",
    namespace: m[3] ?? "",
    limit: Number(m[4]),
    period: Number(m[5]),
  }));
}

describe("RATE_LIMITS and wrangler.toml", () => {
  const configured = configuredLimits(wranglerToml);

  it.each(["top-level", "staging", "production"])(
    "%s declares every limiter with the limit and period the code assumes",
    (env) => {
      const ours = configured.filter((entry) => entry.env === env);
      const declared = Object.fromEntries(
        ours.map(({ name, limit, period }) => [name, { limit, period }]),
      );
      expect(declared).toEqual(RATE_LIMITS);
      expect(ours).toHaveLength(Object.keys(RATE_LIMITS).length);
      // namespace ids are per account: two limiters of one environment must not share one.
      expect(new Set(ours.map((entry) => entry.namespace)).size).toBe(ours.length);
    },
  );

  it("finds every [[ratelimits]] table (the parser above misses none)", () => {
    expect(configured).toHaveLength(wranglerToml.match(/ratelimits\]\]/g)?.length ?? -1);
  });
});
