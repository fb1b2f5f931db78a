import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { loadSettings } from "../settings";
import { type AppEnv, CACHE_STATUSES } from "./app-env";
import { BOOKMARK_HEADER } from "./d1-session";
import { matchesIfNoneMatch } from "./http-cache";

/**
 * The representation's headers, the only ones a cached copy keeps: never one that belongs
 * to the request that filled the cache (CORS, X-Request-Id, Server-Timing).
 */
const STORED_HEADERS = ["Content-Type", "ETag", "Link", "Last-Modified", "Cache-Control"];

/** The `X-Cache` response header, as documented on the cached routes. */
export const xCacheHeader = z.enum(CACHE_STATUSES).openapi({
  description:
    "`HIT`: answered from this data center's edge cache (no database round trip); `MISS`: read from D1 and stored; `BYPASS`: not cached (credentials, a bookmark, or the cache turned off)",
  example: "HIT",
});

/** The data center's Workers cache; inert on *.workers.dev, where nothing is ever stored. */
const edgeCache = (): Cache => caches.default;

function ttlSeconds(c: Context<AppEnv>): number {
  const settings = loadSettings(c.env);
  return settings.ok ? settings.settings.CATALOG_CACHE_TTL_SECONDS : 0;
}

/** A request with credentials or a bookmark wants an answer for itself, not a shared copy. */
function bypasses(c: Context<AppEnv>): boolean {
  return c.req.header("Authorization") !== undefined || c.req.header(BOOKMARK_HEADER) !== undefined;
}

/** Cache keys ignore the path's case (ids match case-insensitively); `query` keeps the query string. */
function cacheKey(url: string, query: boolean): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.toLowerCase()}${query ? parsed.search : ""}`;
}

function storedCopy(response: Response, bookmark: string | null): Response {
  const headers = new Headers();
  for (const name of STORED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  // The copy says how fresh its data is: a client may send it back for read-your-writes.
  if (bookmark) headers.set(BOOKMARK_HEADER, bookmark);
  return new Response(response.clone().body, { status: 200, headers });
}

function later(c: Context<AppEnv>, work: Promise<unknown>): Promise<unknown> | undefined {
  try {
    c.executionCtx.waitUntil(work);
    return undefined;
  } catch {
    // No execution context (a bare app.request in a script): finish before answering.
    return work;
  }
}

/**
 * Serves anonymous GETs of a public catalog route from the edge cache for at most
 * CATALOG_CACHE_TTL_SECONDS (0 turns it off): `X-Cache: HIT` costs no D1 round trip.
 * Only 200 responses are stored; requests with `Authorization` or `X-D1-Bookmark` bypass it.
 */
export function edgeCached(options: { keyQuery: boolean }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    // HEAD reaches the GET handler too, and has meanings of its own (X-Total-Count).
    if (c.req.method !== "GET") return next();
    const ttl = ttlSeconds(c);
    if (ttl === 0 || bypasses(c)) {
      c.set("cacheStatus", "BYPASS");
      await next();
      c.res.headers.set("X-Cache", "BYPASS");
      return;
    }
    const key = cacheKey(c.req.url, options.keyQuery);
    const hit = await edgeCache().match(key);
    if (hit) {
      c.set("cacheStatus", "HIT");
      const etag = hit.headers.get("ETag");
      if (etag !== null && matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) {
        const headers = new Headers({ ETag: etag, "X-Cache": "HIT" });
        const cacheControl = hit.headers.get("Cache-Control");
        if (cacheControl !== null) headers.set("Cache-Control", cacheControl);
        return new Response(null, { status: 304, headers });
      }
      const response = new Response(hit.body, hit);
      response.headers.set("X-Cache", "HIT");
      return response;
    }
    c.set("cacheStatus", "MISS");
    await next();
    c.res.headers.set("X-Cache", "MISS");
    if (c.res.status !== 200) return;
    c.res.headers.set("Cache-Control", `public, max-age=0, s-maxage=${ttl}`);
    await later(c, edgeCache().put(key, storedCopy(c.res, c.var.d1.bookmark())));
  });
}

/**
 * Drops the cached copy of one catalog path in this data center (a write to the product):
 * other data centers and list pages keep theirs until the TTL ends.
 */
export async function purgeCached(c: Context<AppEnv>, path: string): Promise<void> {
  if (ttlSeconds(c) === 0) return;
  await edgeCache().delete(cacheKey(new URL(path, c.req.url).href, false));
}
