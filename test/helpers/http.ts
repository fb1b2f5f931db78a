import { exports } from "cloudflare:workers";

export const BASE = "http://localhost";

export type RequestOptions = {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
};

/** The Request `api()` sends: a bearer token and a JSON body (unless given as a string). */
export function buildRequest(path: string, options: RequestOptions = {}): Request {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  return new Request(`${BASE}${path}`, { method: options.method ?? "GET", headers, body });
}

/** Sends a request through the real Worker entry (middleware, routing, D1). */
export function api(path: string, options: RequestOptions = {}): Promise<Response> {
  return exports.default.fetch(buildRequest(path, options));
}

/** Asserts nothing; returns the parsed problem body so tests can check its code. */
export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
