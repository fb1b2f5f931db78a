import { createMiddleware } from "hono/factory";
import { ForbiddenError } from "../lib/errors";
import { loadSettings } from "../settings";
import type { AppEnv } from "./app-env";

/** What an HTML form can POST cross-site without a CORS preflight (the CSRF-able types). */
const FORM_MEDIA_TYPE =
  /^\s*(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

export type FormRequest = {
  contentType: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  /** This API's own origin (the docs page posts from it). */
  ownOrigin: string;
  /** CORS_ORIGINS: the browser clients allowed to call the API. */
  allowedOrigins: readonly string[];
};

/**
 * Whether a request may go on. JSON needs a CORS preflight, so CORS already guards it; a
 * form does not, so any page could make its visitors' browsers post one. Browsers send
 * `Origin` (and `Sec-Fetch-Site`) with every POST: a form is accepted from this origin or
 * an allowed one. A request with neither header is not from a browser (curl, an OAuth2
 * client library) and cannot be a forged cross-site one, so it is accepted.
 */
export function isFormOriginAllowed(request: FormRequest): boolean {
  if (!FORM_MEDIA_TYPE.test(request.contentType ?? "")) return true;
  const site = request.secFetchSite?.toLowerCase();
  if (site === "same-origin" || site === "none") return true;
  if (request.origin === undefined) return site === undefined;
  return request.origin === request.ownOrigin || request.allowedOrigins.includes(request.origin);
}

export class OriginNotAllowedError extends ForbiddenError {
  static override readonly code = "origin_not_allowed";
  static override readonly detail =
    "Forms are accepted only from this API's own pages and the origins in CORS_ORIGINS";
}

/**
 * Guards every form grant of an endpoint (the OAuth2 token endpoint: password and refresh
 * grants alike): a form posted by a page on another origin is 403 `origin_not_allowed`.
 */
export const formOriginGuard = createMiddleware<AppEnv>(async (c, next) => {
  const settings = loadSettings(c.env);
  const allowed = isFormOriginAllowed({
    contentType: c.req.header("Content-Type"),
    origin: c.req.header("Origin"),
    secFetchSite: c.req.header("Sec-Fetch-Site"),
    ownOrigin: new URL(c.req.url).origin,
    allowedOrigins: settings.ok ? settings.settings.CORS_ORIGINS : [],
  });
  if (!allowed) {
    throw new OriginNotAllowedError();
  }
  await next();
});
