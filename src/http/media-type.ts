import { createMiddleware } from "hono/factory";
import { MalformedJsonError, UnsupportedMediaTypeError, ValidationError } from "../lib/errors";
import type { AppEnv } from "./app-env";

const JSON_TYPE = "application/json";

/** The media type without parameters: `application/json; charset=utf-8` → `application/json`. */
export function essence(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

async function bodyText(c: { req: { raw: Request; text(): Promise<string> } }): Promise<string> {
  return c.req.raw.body === null ? "" : c.req.text();
}

/**
 * Exactly the media types an operation declares (Hono alone would take any `+json` type, and
 * multipart for a form). A body without a Content-Type is refused too.
 */
export function acceptOnly(mediaTypes: readonly string[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const contentType = c.req.header("Content-Type");
    if (
      contentType === undefined
        ? (await bodyText(c)) !== ""
        : !mediaTypes.includes(essence(contentType))
    ) {
      throw new UnsupportedMediaTypeError(mediaTypes);
    }
    await next();
  });
}

/**
 * An operation that takes no body still answers a body the way others do: it must be JSON
 * (415), parse (400) and carry no field (422), so `{"reason": "..."}` is not silently dropped.
 * An empty body or `{}` is fine.
 */
export const refuseBody = createMiddleware<AppEnv>(async (c, next) => {
  const text = await bodyText(c);
  if (text.trim() === "") return next();
  const contentType = c.req.header("Content-Type");
  if (contentType === undefined || essence(contentType) !== JSON_TYPE) {
    throw new UnsupportedMediaTypeError([JSON_TYPE]);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MalformedJsonError();
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ValidationError([
      {
        path: "",
        message: "This operation takes no body (or an empty object)",
        code: "invalid_type",
      },
    ]);
  }
  const keys = Object.keys(body);
  if (keys.length > 0) {
    throw new ValidationError(
      keys.map((key) => ({
        path: key,
        message: `Unknown field '${key}'`,
        code: "unrecognized_keys",
      })),
    );
  }
  await next();
});
