/**
 * Checks an OpenAPI 3.1 document against the contract's documentation rules and returns
 * every violation as "METHOD /path: what is wrong" (an empty list means it passes).
 */
type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const PROBLEM_CONTENT_TYPE = "application/problem+json";
const PROBLEM_REF = "#/components/schemas/Problem";
/** Headers every operation takes and none refuses (an invalid one is ignored): no 422 implied. */
const UNVALIDATED_PARAMETERS = new Set([
  "#/components/parameters/D1Bookmark",
  "#/components/parameters/Traceparent",
]);

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function resolve(document: Json, value: unknown): Json {
  if (!isObject(value)) return {};
  const ref = value.$ref;
  if (typeof ref !== "string") return value;
  const prefix = "#/components/schemas/";
  if (!ref.startsWith(prefix)) return {};
  const schemas = (document.components as Json | undefined)?.schemas as Json | undefined;
  return resolve(document, schemas?.[ref.slice(prefix.length)]);
}

function hasExample(document: Json, media: Json): boolean {
  if (media.example !== undefined) return true;
  if (isObject(media.examples) && Object.keys(media.examples).length > 0) return true;
  const schema = resolve(document, media.schema);
  if (schema.example !== undefined) return true;
  return Array.isArray(schema.examples) && schema.examples.length > 0;
}

const isJson = (contentType: string) => /^application\/([\w.-]+\+)?json$/.test(contentType);

function checkOperation(document: Json, path: string, method: string, operation: Json): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`${method.toUpperCase()} ${path}: ${message}`);

  if (!Array.isArray(operation.tags) || operation.tags.length === 0) fail("no tags");
  if (typeof operation.summary !== "string" || operation.summary.trim() === "") fail("no summary");

  const responses = isObject(operation.responses) ? operation.responses : {};
  const statuses = Object.keys(responses);
  const errorStatuses = statuses.filter((status) => Number(status) >= 400);
  if (errorStatuses.length === 0) fail("lists no error response");

  for (const status of statuses) {
    const response = resolve(document, responses[status]);
    const content = isObject(response.content) ? response.content : {};
    const code = Number(status);
    if (code >= 200 && code < 400) {
      if (code >= 300) continue;
      for (const [type, media] of Object.entries(content)) {
        if (isJson(type) && isObject(media) && !hasExample(document, media)) {
          fail(`${status} ${type} has no example`);
        }
      }
      continue;
    }
    const problem = content[PROBLEM_CONTENT_TYPE];
    if (!isObject(problem)) {
      fail(`${status} is not ${PROBLEM_CONTENT_TYPE}`);
      continue;
    }
    const otherTypes = Object.keys(content).filter((type) => type !== PROBLEM_CONTENT_TYPE);
    if (otherTypes.length > 0) fail(`${status} also offers ${otherTypes.join(", ")}`);
    if (!isObject(problem.schema) || problem.schema.$ref !== PROBLEM_REF) {
      fail(`${status} does not use the Problem schema`);
    }
    const examples = isObject(problem.examples) ? Object.keys(problem.examples) : [];
    if (problem.example === undefined && examples.length === 0) fail(`${status} has no example`);
  }

  const pathItem = (document.paths as Json)[path] as Json;
  // X-D1-Bookmark is never validated (a malformed one is ignored), so it implies no 422.
  const parameters = [
    ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
    ...(Array.isArray(operation.parameters) ? operation.parameters : []),
  ].filter(
    (parameter) => !(isObject(parameter) && UNVALIDATED_PARAMETERS.has(parameter.$ref as string)),
  );
  const body = isObject(operation.requestBody) ? operation.requestBody : undefined;
  if ((parameters.length > 0 || body) && !statuses.includes("422")) {
    fail("has parameters or a body but does not list 422");
  }
  if (body) {
    const content = isObject(body.content) ? body.content : {};
    if (Object.keys(content).length === 0) fail("request body has no content");
    for (const [type, media] of Object.entries(content)) {
      if (isObject(media) && !hasExample(document, media))
        fail(`request body ${type} has no example`);
    }
  }

  const security = Array.isArray(operation.security) ? operation.security : document.security;
  const required =
    Array.isArray(security) &&
    security.some((item) => isObject(item) && Object.keys(item).length > 0);
  if (required) {
    if (!statuses.includes("401")) fail("needs a user but does not list 401");
    const schemes = (security as Json[]).flatMap((item) => Object.keys(item));
    if (!schemes.includes("bearerAuth") || !schemes.includes("oauth2Password")) {
      fail("needs a user but does not offer both bearerAuth and oauth2Password");
    }
  }
  return problems;
}

export type OperationRef = { path: string; method: string; operation: Json };

export function operationsOf(document: Json): OperationRef[] {
  const paths = isObject(document.paths) ? document.paths : {};
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = isObject(item) ? item[method] : undefined;
      return isObject(operation) ? [{ path, method, operation }] : [];
    }),
  );
}

export function walkOpenApi(document: Json): string[] {
  return operationsOf(document).flatMap(({ path, method, operation }) =>
    checkOperation(document, path, method, operation),
  );
}
