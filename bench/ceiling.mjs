// The ceiling Worker for `npm run bench`: the four benchmarked endpoints with no framework,
// no validation library and no ORM, over the same bindings as the app (D1, queue, assets).
// It does the work the contract requires and nothing else: verifies the HS256 access token,
// reads with raw prepared statements (the principal and the products in one round trip),
// writes the order with the same batch the app commits (order, lines, stock decrements,
// outbox row) and hands the mail to the queue after the response. Its answers carry the
// contract's headers (X-Request-Id, security headers, Server-Timing) so the comparison
// measures the framework, not a smaller response. Not deployed; served by bench/server.mjs.

const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRODUCT_COLUMNS =
  "id, sku, name, description, price_cents, currency, stock, version, created_at, updated_at";

/** @typedef {{ prepare(sql: string): any, batch(statements: any[]): Promise<any[]> }} D1 */
/** @typedef {{ DB: D1, MAIL_QUEUE: { sendBatch(messages: { body: unknown }[]): Promise<void> },
 *   ASSETS: { fetch(request: Request): Promise<Response> },
 *   JWT_SECRET: string, JWT_ISSUER: string, JWT_AUDIENCE: string }} Env */
/** @typedef {{ waitUntil(promise: Promise<unknown>): void }} Ctx */

/** Counts this request's D1 round trips and their time, for Server-Timing. */
class Trips {
  count = 0;
  ms = 0;
  /** @template T @param {() => Promise<T>} call @returns {Promise<T>} */
  async run(call) {
    const started = performance.now();
    try {
      return await call();
    } finally {
      this.count += 1;
      this.ms += performance.now() - started;
    }
  }
}

/** @param {number} status @param {unknown} body @param {Trips} trips @param {number} started */
function json(status, body, trips, started, extra = {}) {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: {
      "Content-Type": status < 300 ? "application/json" : "application/problem+json",
      "X-Request-Id": crypto.randomUUID(),
      "Server-Timing": `d1;dur=${trips.ms.toFixed(1)};desc="${trips.count} round trips", total;dur=${(performance.now() - started).toFixed(1)}`,
      ...SECURITY_HEADERS,
      ...extra,
    },
  });
}

/** @param {number} status @param {string} code @param {Trips} trips @param {number} started */
function problem(status, code, trips, started) {
  return json(status, { type: `/problems/${code}`, title: code, status, code }, trips, started);
}

/** @param {Record<string, unknown>} row */
function product(row) {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price_cents: row.price_cents,
    currency: row.currency,
    stock: row.stock,
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: row.version,
  };
}

/** UUIDv7: 48 bits of milliseconds, then random bits with the version and variant set. */
function uuidv7() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** @type {Promise<import("node:crypto").webcrypto.CryptoKey> | undefined} */
let hmacKey;
const encoder = new TextEncoder();

/** @param {string} text */
function base64urlBytes(text) {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/**
 * The claims of a valid HS256 access token (typ, iss, aud, exp checked), else null.
 * @param {string | null} header @param {Env} env
 */
async function verifiedClaims(header, env) {
  const token = header?.startsWith("Bearer ") ? header.slice(7) : "";
  const [head, payload, signature] = token.split(".");
  if (!head || !payload || !signature) return null;
  hmacKey ??= crypto.subtle.importKey(
    "raw",
    encoder.encode(env.JWT_SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey,
    base64urlBytes(signature),
    encoder.encode(`${head}.${payload}`),
  );
  if (!valid) return null;
  const protectedHeader = JSON.parse(new TextDecoder().decode(base64urlBytes(head)));
  const claims = JSON.parse(new TextDecoder().decode(base64urlBytes(payload)));
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const fresh = typeof claims.exp === "number" && claims.exp > Date.now() / 1000;
  const ours =
    protectedHeader.alg === "HS256" &&
    protectedHeader.typ === "at+jwt" &&
    claims.iss === env.JWT_ISSUER &&
    audiences.includes(env.JWT_AUDIENCE);
  return fresh && ours && typeof claims.sub === "string" ? claims : null;
}

/**
 * `{items: [{product_id, quantity}]}`: 1..50 lines, quantity 1..1000, a product at most once.
 * @param {unknown} body
 * @returns {{ product_id: string, quantity: number }[] | null}
 */
function orderLines(body) {
  const items = /** @type {{ items?: unknown }} */ (body)?.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > 50) return null;
  const seen = new Set();
  for (const item of items) {
    const { product_id: id, quantity } = item ?? {};
    if (typeof id !== "string" || !UUID.test(id) || seen.has(id)) return null;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000) return null;
    seen.add(id);
  }
  return items;
}

/** @param {Request} request @param {Env} env @param {Ctx} ctx @param {Trips} trips @param {number} started */
async function placeOrder(request, env, ctx, trips, started) {
  const claims = await verifiedClaims(request.headers.get("Authorization"), env);
  if (!claims) return problem(401, "invalid_token", trips, started);
  let body;
  try {
    body = await request.json();
  } catch {
    return problem(400, "malformed_json", trips, started);
  }
  const lines = orderLines(body);
  if (!lines) return problem(422, "validation_failed", trips, started);

  const ids = lines.map((line) => line.product_id);
  const [users, found] = await trips.run(() =>
    env.DB.batch([
      env.DB.prepare("SELECT id, email, tier FROM users WHERE id = ? AND is_active = 1").bind(
        claims.sub,
      ),
      env.DB.prepare(
        `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id IN (${ids.map(() => "?").join(", ")}) AND archived_at IS NULL`,
      ).bind(...ids),
    ]),
  );
  const customer = users.results[0];
  if (!customer) return problem(401, "invalid_token", trips, started);
  const byId = new Map(found.results.map((/** @type {any} */ row) => [row.id, row]));
  for (const line of lines) {
    const row = byId.get(line.product_id);
    if (!row) return problem(404, "product_not_found", trips, started);
    if (row.stock < line.quantity) return problem(409, "out_of_stock", trips, started);
  }

  const orderId = uuidv7();
  const now = new Date().toISOString();
  const items = lines.map((line) => {
    const row = byId.get(line.product_id);
    return {
      product_id: row.id,
      sku: row.sku,
      name: row.name,
      unit_price_cents: row.price_cents,
      quantity: line.quantity,
      line_total_cents: row.price_cents * line.quantity,
    };
  });
  const subtotal = items.reduce((sum, item) => sum + item.line_total_cents, 0);
  const discount = customer.tier === "premium" ? Math.floor(subtotal / 10) : 0;
  const order = {
    id: orderId,
    user_id: customer.id,
    status: "placed",
    items,
    subtotal_cents: subtotal,
    discount_cents: discount,
    total_cents: subtotal - discount,
    currency: "USD",
    created_at: now,
    updated_at: now,
  };
  const outboxId = uuidv7();
  const payload = JSON.stringify({ order_id: orderId, total_cents: order.total_cents, items });
  await trips.run(() =>
    env.DB.batch([
      env.DB.prepare(
        "INSERT INTO orders (id, user_id, status, subtotal_cents, discount_cents, total_cents, currency, created_at, updated_at) VALUES (?, ?, 'placed', ?, ?, ?, 'USD', ?, ?)",
      ).bind(orderId, customer.id, subtotal, discount, order.total_cents, now, now),
      ...items.map((item, position) =>
        env.DB.prepare(
          "INSERT INTO order_items (order_id, product_id, position, sku, name, unit_price_cents, quantity, line_total_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ).bind(
          orderId,
          item.product_id,
          position,
          item.sku,
          item.name,
          item.unit_price_cents,
          item.quantity,
          item.line_total_cents,
        ),
      ),
      ...items.map((item) =>
        env.DB.prepare(
          "UPDATE products SET stock = CASE WHEN archived_at IS NULL THEN stock - ? ELSE -1 END, version = version + 1, updated_at = ? WHERE id = ?",
        ).bind(item.quantity, now, item.product_id),
      ),
      env.DB.prepare(
        "INSERT INTO mail_outbox (id, template, recipient, payload, created_at) VALUES (?, 'order_confirmation', ?, ?, ?)",
      ).bind(outboxId, customer.email, payload, now),
    ]),
  );
  // As the app does: the queue gets the outbox row after the response, then it is marked.
  ctx.waitUntil(
    env.MAIL_QUEUE.sendBatch([{ body: { outbox_id: outboxId } }]).then(() =>
      env.DB.prepare(
        "UPDATE mail_outbox SET enqueued_at = ? WHERE id IN (?) AND status = 'pending'",
      )
        .bind(new Date().toISOString(), outboxId)
        .run(),
    ),
  );
  return json(201, order, trips, started, {
    Location: `/api/v1/orders/${orderId}`,
    "Cache-Control": "no-store",
  });
}

/** @param {URL} url @param {Env} env @param {Trips} trips @param {number} started */
async function listProducts(url, env, trips, started) {
  const raw = url.searchParams.get("limit") ?? "20";
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return problem(422, "validation_failed", trips, started);
  }
  const { results } = await trips.run(() =>
    env.DB.prepare(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE archived_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
      .bind(limit + 1)
      .all(),
  );
  const items = results.slice(0, limit).map(product);
  const last = items.at(-1);
  const nextCursor =
    results.length > limit && last
      ? btoa(JSON.stringify([last.created_at, last.id])).replaceAll("=", "")
      : null;
  const link = nextCursor
    ? { Link: `<${url.pathname}?limit=${limit}&cursor=${nextCursor}>; rel="next"` }
    : {};
  return json(200, { items, next_cursor: nextCursor }, trips, started, link);
}

/** @param {string} id @param {Env} env @param {Trips} trips @param {number} started */
async function getProduct(id, env, trips, started) {
  if (!UUID.test(id)) return problem(422, "validation_failed", trips, started);
  const row = await trips.run(() =>
    env.DB.prepare(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ? AND archived_at IS NULL`)
      .bind(id)
      .first(),
  );
  if (!row) return problem(404, "product_not_found", trips, started);
  return json(200, product(row), trips, started, { ETag: `"v${row.version}"` });
}

export default {
  /** @param {Request} request @param {Env} env @param {Ctx} ctx */
  async fetch(request, env, ctx) {
    const started = performance.now();
    const trips = new Trips();
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.method === "GET" && path === "/health") {
      return json(200, { status: "ok" }, trips, started);
    }
    if (request.method === "GET" && path === "/api/v1/products") {
      return listProducts(url, env, trips, started);
    }
    if (request.method === "GET" && path.startsWith("/api/v1/products/")) {
      return getProduct(path.slice("/api/v1/products/".length), env, trips, started);
    }
    if (request.method === "POST" && path === "/api/v1/orders") {
      return placeOrder(request, env, ctx, trips, started);
    }
    if (request.method === "GET" && path.startsWith("/docs/")) {
      // A static file, when the assets routing sends it to the Worker first.
      const asset = await env.ASSETS.fetch(request);
      const response = new Response(asset.body, asset);
      response.headers.set("X-Request-Id", crypto.randomUUID());
      return response;
    }
    return problem(404, "not_found", trips, started);
  },
};
