import { z } from "zod";

/** What the Workers runtime hands each request: bindings from wrangler.toml plus secrets. */
export type Bindings = {
  DB: D1Database;
  MAIL_QUEUE: Queue;
  LOGIN_EMAIL_LIMITER: RateLimit;
  LOGIN_IP_LIMITER: RateLimit;
  RESET_EMAIL_LIMITER: RateLimit;
  REGISTER_IP_LIMITER: RateLimit;
  PASSWORD_CHANGE_LIMITER: RateLimit;
  ORDER_PLACE_LIMITER: RateLimit;
  /** Workers Analytics Engine: one data point per request. Optional: without it, none. */
  METRICS?: AnalyticsEngineDataset;
  ASSETS?: Fetcher;
  APP_ENV?: string;
  JWT_SECRET?: string;
  JWT_SECRET_PREVIOUS?: string;
  OUTBOX_KEY?: string;
  OUTBOX_KEY_PREVIOUS?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  CORS_ORIGINS?: string;
  PASSWORD_PEPPER?: string;
  MAILER?: string;
  MAIL_FROM?: string;
  MAIL_API_URL?: string;
  MAIL_API_KEY?: string;
  PUBLIC_BASE_URL?: string;
  PASSWORD_RESET_URL?: string;
  CATALOG_CACHE_TTL_SECONDS?: string | number;
};

/**
 * Seals the secrets in the mail outbox when OUTBOX_KEY is unset in development and test:
 * local data is not worth protecting, and an existing `.dev.vars` keeps working.
 */
const DEVELOPMENT_OUTBOX_KEY = "development-outbox-key-never-use-it-outside-a-laptop-0";

/** Values that are fine on a laptop and must never reach a deployed stage. */
const KNOWN_DEV_SECRETS = new Set([
  "replace-with-at-least-32-random-bytes-base64url",
  "dev-secret-change-me-dev-secret-change-me",
  DEVELOPMENT_OUTBOX_KEY,
]);

const APP_ENVS = ["development", "test", "staging", "production"] as const;
type AppEnvName = (typeof APP_ENVS)[number];

/** Development and test run on a laptop or in CI; every other stage is deployed. */
const LOCAL_ENVS: ReadonlySet<string> = new Set<AppEnvName>(["development", "test"]);

export function isLocalEnv(appEnv: string): boolean {
  return LOCAL_ENVS.has(appEnv);
}

/**
 * A key with at least 256 bits of entropy (RFC 8725 §3.5 for the HS256 key): a base64 or
 * base64url value of 43+ characters (32+ bytes once decoded), as `openssl rand -base64 48`
 * and `npm run dev` make. A passphrase or a short hex string is refused.
 */
const RandomSecretSchema = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]{43,}={0,2}$/, "must be 32+ random bytes, base64 or base64url");

const SettingsSchema = z
  .object({
    APP_ENV: z.enum(APP_ENVS).default("development"),
    JWT_SECRET: RandomSecretSchema,
    /** The key before the last rotation: its tokens stay valid until they expire. */
    JWT_SECRET_PREVIOUS: RandomSecretSchema.optional(),
    /**
     * Seals the secrets in the mail outbox (AES-256-GCM, the key derived with HKDF). Required
     * outside development and test; see `outboxKeys`.
     */
    OUTBOX_KEY: RandomSecretSchema.optional(),
    /** The outbox key before the last rotation: rows it sealed still open. */
    OUTBOX_KEY_PREVIOUS: RandomSecretSchema.optional(),
    JWT_ISSUER: z.string().min(1),
    JWT_AUDIENCE: z.string().min(1),
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((list) =>
        list
          .split(",")
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
    PASSWORD_PEPPER: z.string().min(16).optional(),
    MAILER: z.enum(["log", "http"]).default("log"),
    MAIL_FROM: z.string().min(3).default("Edge Store <no-reply@localhost>"),
    MAIL_API_URL: z.url().optional(),
    MAIL_API_KEY: z.string().min(1).optional(),
    PUBLIC_BASE_URL: z.url().default("http://localhost:8787"),
    /**
     * The client page that completes a password reset; the email links to it with the token
     * in the fragment (`#token=`). Required (https) outside development and test.
     */
    PASSWORD_RESET_URL: z.url().optional(),
    /** How long anonymous catalog reads may be served from the edge cache; 0 turns it off. */
    CATALOG_CACHE_TTL_SECONDS: z
      .union([z.number(), z.string().regex(/^\d+$/, "must be whole seconds")])
      .transform(Number)
      .pipe(z.number().int().min(0).max(86_400))
      .default(30),
  })
  .superRefine((s, ctx) => {
    // In every environment: the http mailer cannot send without both.
    if (s.MAILER === "http" && (!s.MAIL_API_URL || !s.MAIL_API_KEY)) {
      ctx.addIssue({ code: "custom", path: ["MAIL_API_KEY"], message: "required for MAILER=http" });
    }
    if (isLocalEnv(s.APP_ENV)) return;
    if (KNOWN_DEV_SECRETS.has(s.JWT_SECRET)) {
      ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "is a development default" });
    }
    if (!s.OUTBOX_KEY || KNOWN_DEV_SECRETS.has(s.OUTBOX_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: ["OUTBOX_KEY"],
        message: "a random key is required outside development",
      });
    }
    if (s.MAILER === "log") {
      ctx.addIssue({ code: "custom", path: ["MAILER"], message: "log mailer outside development" });
    }
    if (!s.PASSWORD_RESET_URL?.startsWith("https://")) {
      ctx.addIssue({
        code: "custom",
        path: ["PASSWORD_RESET_URL"],
        message: "an https URL is required outside development",
      });
    }
  });

export type Settings = z.infer<typeof SettingsSchema>;

/**
 * Where reset emails link. Deployed stages must set PASSWORD_RESET_URL (their client's page);
 * locally the default is this API's docs page, whose "Set a new password with a reset token"
 * operation completes the reset with the token the link carries.
 */
export function passwordResetUrl(settings: Settings): string {
  return settings.PASSWORD_RESET_URL ?? new URL("/docs", settings.PUBLIC_BASE_URL).href;
}

/**
 * The keys that seal the outbox's secrets: OUTBOX_KEY (and the previous one during a
 * rotation). Only development and test may leave it unset (the settings refuse that
 * elsewhere); they then use a fixed development key.
 */
export function outboxKeys(settings: Settings): { current: string; previous?: string } {
  const current = settings.OUTBOX_KEY ?? DEVELOPMENT_OUTBOX_KEY;
  const previous = settings.OUTBOX_KEY_PREVIOUS;
  return previous ? { current, previous } : { current };
}

export type SettingsResult =
  | { ok: true; settings: Settings }
  /** Names of the bad settings only: their values may be secrets. */
  | { ok: false; invalid: string[] };

const cache = new WeakMap<object, SettingsResult>();

function parseSettings(env: Bindings): SettingsResult {
  const parsed = SettingsSchema.safeParse(env);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const invalid = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
  return { ok: false, invalid };
}

/** Parsed once per isolate (the runtime reuses one env object), re-parsed if the env changes. */
export function loadSettings(env: Bindings): SettingsResult {
  let result = cache.get(env);
  if (!result) {
    result = parseSettings(env);
    cache.set(env, result);
  }
  return result;
}
