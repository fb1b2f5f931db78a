import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { InvalidCursorError } from "../lib/cursor";
import {
  type ErrorClass,
  type ErrorStatus,
  ForbiddenError,
  INTERNAL_ERROR,
  InvalidTokenError,
  MalformedBodyError,
  MalformedJsonError,
  MethodNotAllowedError,
  MisconfiguredError,
  PayloadTooLargeError,
  statusTitle,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../lib/errors";
import { type AuthLevel, authMiddleware } from "./auth";
import { acceptOnly, refuseBody } from "./media-type";
import { PROBLEM_CONTENT_TYPE, type Problem, ProblemSchema, problemType } from "./problem";

/** The classes an operation can throw, beside the ones its inputs and auth imply. */
export type RouteErrors = readonly ErrorClass[];

/** Security requirement for operations that need a user: bearer JWT or the OAuth2 password flow. */
export const USER_SECURITY = [{ bearerAuth: [] }, { oauth2Password: [] }];

/**
 * Public operations say so (`security: []`) rather than leaving it unsaid: a reader, or a
 * linter, cannot tell an omitted requirement from a forgotten one.
 */
export const PUBLIC_SECURITY: RouteConfig["security"] = [];

/** The documented example of an error class's problem (a route may refine its detail). */
export function exampleProblem(facts: ErrorClass): Problem {
  const problem: Problem = {
    type: problemType(facts.code),
    title: facts.title,
    status: facts.status,
    detail: `Example of a ${facts.status} ${facts.code} problem`,
    code: facts.code,
    instance: "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90",
  };
  if (facts.status === 422)
    problem.errors = [{ path: "name", message: "Required", code: "invalid_type" }];
  return problem;
}

/** Further examples an operation shows beside a code's plain one, by name. */
export type ProblemVariants = (example: Problem) => Record<string, Problem>;

/** A documented problem+json response of one status: the Problem schema, one example per class. */
export function documentedProblem(
  status: ErrorStatus,
  classes: readonly ErrorClass[],
  variants: ProblemVariants = () => ({}),
) {
  const examples = Object.fromEntries(
    classes.flatMap((facts) => {
      const example = exampleProblem(facts);
      return [[facts.code, example], ...Object.entries(variants(example))].map(([name, value]) => [
        name,
        { summary: name, value },
      ]);
    }),
  );
  return {
    description: `${statusTitle(status)} (${classes.map((facts) => facts.code).join(", ")})`,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema, examples } },
  };
}

/**
 * The response of an operation that reads no input (no parameter, header or body), so none
 * of its own 4xx can happen: the range still tells a client what any 4xx there looks like.
 */
export function anyClientProblem() {
  return {
    description:
      "Client error. This operation reads no input, so it has no 4xx of its own; any 4xx at this path (such as 405 for another method) is a problem+json like this.",
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: ProblemSchema,
        examples: {
          [MethodNotAllowedError.code]: {
            summary: MethodNotAllowedError.code,
            value: exampleProblem(MethodNotAllowedError),
          },
        },
      },
    },
  };
}

const BOOKMARK_EXAMPLE = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683";

/** The X-D1-Bookmark request header, declared once in the document (docs.ts registers it). */
const D1_BOOKMARK_PARAMETER = {
  name: "X-D1-Bookmark",
  in: "header" as const,
  required: false,
  description:
    "The last `X-D1-Bookmark` you received: the request then reads data at least that fresh (read-your-writes across requests). A malformed value is ignored.",
  schema: { type: "string" as const, maxLength: 256, example: BOOKMARK_EXAMPLE },
  example: BOOKMARK_EXAMPLE,
};

const TRACEPARENT_EXAMPLE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** W3C Trace Context's request header (request-context.ts), declared once in the document. */
const TRACEPARENT_PARAMETER = {
  name: "traceparent",
  in: "header" as const,
  required: false,
  description:
    "W3C Trace Context (`00-<trace-id>-<parent-id>-<flags>`, lowercase hex): the request continues this trace, and its log lines carry the trace id. An invalid value is ignored (a new trace starts), never refused.",
  schema: { type: "string" as const, maxLength: 512, example: TRACEPARENT_EXAMPLE },
  example: TRACEPARENT_EXAMPLE,
};

/** The request headers every operation accepts, declared once in the document (docs.ts). */
export const EDGE_PARAMETER_COMPONENTS = {
  D1Bookmark: D1_BOOKMARK_PARAMETER,
  Traceparent: TRACEPARENT_PARAMETER,
};

const TRACEPARENT_HEADER = {
  description:
    "This request's span, as W3C Trace Context: `00-<trace-id>-<span-id>-<flags>`. The trace id is the one the request's `traceparent` sent, or a new one; the span id is this request's own (its log lines' `span_id`); the flags keep the sent sampled bit (`00` for a new trace, `01` when Workers tracing recorded the request).",
  example: "00-4bf92f3577b34da6a3ce929d0e0e4736-3f2b6c0d9a8e7f41-01",
};

const SERVER_TIMING_HEADER = {
  description: "D1 round trips this request made and their time, and the total (milliseconds).",
  example: 'd1;dur=23.4;desc="1 round trips", total;dur=25.1',
};
const BOOKMARK_HEADER = {
  description:
    "The D1 session's latest bookmark (absent when the request did not reach D1): send it back as `X-D1-Bookmark` to read your writes.",
  example: BOOKMARK_EXAMPLE,
};

/** The response headers every response carries, declared once in the document (docs.ts). */
export const EDGE_HEADER_COMPONENTS = {
  ServerTiming: {
    description: SERVER_TIMING_HEADER.description,
    required: true,
    schema: { type: "string" as const, example: SERVER_TIMING_HEADER.example },
  },
  D1Bookmark: {
    description: BOOKMARK_HEADER.description,
    required: false,
    schema: { type: "string" as const, example: BOOKMARK_EXAMPLE },
  },
  Traceparent: {
    description: TRACEPARENT_HEADER.description,
    required: true,
    schema: { type: "string" as const, example: TRACEPARENT_HEADER.example },
  },
};

/** The same, for a response that declares headers of its own (as a Zod object). */
const EDGE_RESPONSE_HEADERS = z.object({
  "Server-Timing": z.string().openapi(SERVER_TIMING_HEADER),
  "X-D1-Bookmark": z.string().optional().openapi(BOOKMARK_HEADER),
  traceparent: z.string().openapi(TRACEPARENT_HEADER),
});

const EDGE_HEADER_REFS = {
  "Server-Timing": { $ref: "#/components/headers/ServerTiming" },
  "X-D1-Bookmark": { $ref: "#/components/headers/D1Bookmark" },
  traceparent: { $ref: "#/components/headers/Traceparent" },
};

/** Where the document declares X-D1-Bookmark and traceparent once; every operation refers to them. */
export const EDGE_PARAMETERS = [
  { $ref: "#/components/parameters/D1Bookmark" },
  { $ref: "#/components/parameters/Traceparent" },
];

/**
 * The responses with the headers every response carries added to each (Server-Timing,
 * X-D1-Bookmark, traceparent): references to the components, or, where a response declares its own
 * headers (as a Zod object, see nextLinkHeader), the same headers added to that object.
 */
export function withEdgeHeaders(responses: RouteConfig["responses"]): RouteConfig["responses"] {
  const documented: RouteConfig["responses"] = {};
  for (const [status, response] of Object.entries(responses)) {
    if ("$ref" in response) {
      documented[status] = response;
      continue;
    }
    const own = response.headers as z.ZodObject | undefined;
    const headers = own ? own.extend(EDGE_RESPONSE_HEADERS.shape) : EDGE_HEADER_REFS;
    documented[status] = { ...response, headers };
  }
  return documented;
}

/** Methods whose requests can carry a body; a GET's body is ignored, as HTTP intends. */
const WRITE_METHODS = new Set(["post", "put", "patch", "delete"]);

type DefineRouteConfig = RouteConfig & {
  /** Required: what the operation does beyond its summary (rules, side effects, errors). */
  description: string;
  auth?: AuthLevel;
  /** See AuthOptions: the account check rides with the first read whatever the token's role. */
  roleBlindFirstRead?: boolean;
  errors?: RouteErrors;
  /** Extra examples for the problem responses (the token endpoint's OAuth2 `error` member). */
  problemVariants?: ProblemVariants;
  /** False for probes outside API_PREFIX, which the settings guard (503 misconfigured) skips. */
  settingsGuarded?: boolean;
};

/**
 * createRoute plus what every operation shares, derived from what the route declares so
 * the document cannot drift from behaviour: auth middleware and security requirements,
 * and a problem+json response for every error status it can produce (the ones implied by
 * its inputs and auth, plus those listed in `errors`).
 */
export function defineRoute<R extends DefineRouteConfig>(
  config: R,
): Omit<R, "auth" | "roleBlindFirstRead" | "errors" | "problemVariants" | "settingsGuarded"> {
  const {
    auth,
    roleBlindFirstRead,
    errors = [],
    problemVariants,
    settingsGuarded = true,
    ...route
  } = config;
  const implied: ErrorClass[] = [];
  const request = route.request;
  if (request?.params || request?.query || request?.headers || request?.body) {
    implied.push(ValidationError);
  }
  const takesBody = WRITE_METHODS.has(route.method);
  const bodyGuard = request?.body
    ? acceptOnly(Object.keys(request.body.content))
    : takesBody
      ? refuseBody
      : null;
  if (request?.body) {
    // A body that offers several media types (login: JSON or form) sets `required: false`:
    // @hono/zod-openapi then validates each only when its Content-Type is sent.
    request.body.required ??= true;
  }
  if (bodyGuard) {
    // A body-less write still answers a stray body: not JSON 415, malformed 400, fields 422.
    const mediaTypes = request?.body ? Object.keys(request.body.content) : [];
    implied.push(MalformedJsonError);
    if (mediaTypes.some((type) => type !== "application/json")) implied.push(MalformedBodyError);
    implied.push(PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError);
  }
  if (auth) implied.push(UnauthenticatedError, InvalidTokenError);
  if (auth === "admin") implied.push(ForbiddenError);

  const responses: RouteConfig["responses"] = { ...route.responses };
  // Declared classes first (the first one of a status is its example), then implied ones.
  const byStatus = new Map<ErrorStatus, ErrorClass[]>();
  for (const facts of new Set([...errors, ...implied])) {
    byStatus.set(facts.status, [...(byStatus.get(facts.status) ?? []), facts]);
  }
  for (const [status, classes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = documentedProblem(status, classes, problemVariants);
  }
  if (!Object.keys(responses).some((status) => status.startsWith("4"))) {
    responses["4XX"] = anyClientProblem();
  }
  responses[500] ??= documentedProblem(500, [INTERNAL_ERROR]);
  if (settingsGuarded) responses[503] ??= documentedProblem(503, [MisconfiguredError]);

  const middleware = [
    ...(auth ? authMiddleware(auth, { roleBlindFirstRead }) : []),
    ...(bodyGuard ? [bodyGuard] : []),
    ...(route.middleware ? [route.middleware].flat() : []),
  ];
  // Typed as the declared route: handlers are checked against the responses a route
  // declares itself; the problem responses added here are thrown, never returned.
  return createRoute({
    ...route,
    responses: withEdgeHeaders(responses),
    parameters: [...(route.parameters ?? []), ...EDGE_PARAMETERS],
    security: auth ? USER_SECURITY : PUBLIC_SECURITY,
    ...(middleware.length ? { middleware } : {}),
  }) as unknown as Omit<
    R,
    "auth" | "roleBlindFirstRead" | "errors" | "problemVariants" | "settingsGuarded"
  >;
}

/** A JSON request or response body in a route definition. */
export function jsonContent<T extends z.ZodType>(schema: T) {
  return { "application/json": { schema } };
}

/** Where every versioned router is mounted; route definitions use paths relative to it. */
export const API_PREFIX = "/api/v1";

/** The `Link: rel="next"` header every paginated list answers with (when there is a next page). */
export function nextLinkHeader(path: string) {
  return z.object({
    Link: z
      .string()
      .optional()
      .openapi({
        example: `<${API_PREFIX}${path}?cursor=eyJr...>; rel="next"`,
        description: "The next page",
      }),
  });
}

/** Errors every paginated list can answer: a bad parameter or a foreign cursor. */
export const LIST_ERRORS: RouteErrors = [ValidationError, InvalidCursorError];
