import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, paths };
/** Every named schema of the API (`Schemas["Product"]`, `Schemas["Problem"]`, ...). */
export type Schemas = components["schemas"];
/** The RFC 9457 body of every non-2xx response. */
export type Problem = Schemas["Problem"];

/** The read-your-writes bookmark of the D1 session: sent back, reads see your writes. */
export const BOOKMARK_HEADER = "X-D1-Bookmark";
const REPLAYED_HEADER = "Idempotent-Replayed";

export type EdgeStoreClientOptions = {
  /** Origin of the API, e.g. `https://api.example.com` (paths start with `/api/v1`). */
  baseUrl: string;
  /** Sends each request; defaults to `globalThis.fetch` (a service binding's fetch works). */
  fetch?: (request: Request) => Promise<Response>;
  /** The access token for `Authorization: Bearer`, asked before every request; none: anonymous. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** A bookmark to start from, e.g. one kept from a previous session. */
  bookmark?: string;
};

export type EdgeStoreClient = Client<paths> & {
  /** The last `X-D1-Bookmark` the API answered with (sent with every later request). */
  bookmark(): string | undefined;
};

/**
 * A typed client for the Edge Store API (openapi-fetch over the generated `paths`): every
 * method, path, parameter, body and response is checked against the API's document.
 * It adds the bearer token from `getToken` and carries the D1 bookmark from each
 * response to the next request, so a read after a write sees that write.
 */
export function createEdgeStoreClient(options: EdgeStoreClientOptions): EdgeStoreClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  let bookmark = options.bookmark;

  const auth: Middleware = {
    async onRequest({ request }) {
      if (!options.getToken || request.headers.has("Authorization")) return request;
      const token = await options.getToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  };
  const bookmarks: Middleware = {
    onRequest({ request }) {
      if (bookmark && !request.headers.has(BOOKMARK_HEADER)) {
        request.headers.set(BOOKMARK_HEADER, bookmark);
      }
      return request;
    },
    onResponse({ response }) {
      bookmark = response.headers.get(BOOKMARK_HEADER) ?? bookmark;
      return response;
    },
  };
  client.use(auth, bookmarks);

  return Object.assign(client, { bookmark: () => bookmark });
}

/**
 * A fresh `Idempotency-Key`. Make one per operation and reuse it for every retry of that
 * operation: the API then answers a retry with the first response instead of acting twice.
 */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** `params.header` for an operation that accepts `Idempotency-Key` (e.g. placing an order). */
export function idempotencyHeader(key: string = newIdempotencyKey()) {
  return { "Idempotency-Key": key };
}

/** True when the API answered with the stored response of an earlier request with the same key. */
export function isReplayed(response: Response): boolean {
  return response.headers.get(REPLAYED_HEADER) === "true";
}
