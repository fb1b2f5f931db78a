import { createMiddleware } from "hono/factory";
import { MisconfiguredError } from "../lib/errors";
import { loadSettings } from "../settings";
import type { AppEnv } from "./app-env";

/**
 * Invalid configuration answers 503 naming the bad settings (never their values) instead
 * of crashing every request: the readiness probe shows the same names.
 */
export const requireValidSettings = createMiddleware<AppEnv>(async (c, next) => {
  const result = loadSettings(c.env);
  if (!result.ok) {
    throw new MisconfiguredError(
      `The service is misconfigured; invalid settings: ${result.invalid.join(", ")}`,
    );
  }
  await next();
});
