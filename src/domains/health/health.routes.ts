import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env";
import { defineRoute, exampleProblem } from "../../http/openapi";
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from "../../http/problem";
import { type FieldError, ServiceUnavailableError } from "../../lib/errors";

const LivenessSchema = z
  .object({ status: z.literal("ok") })
  .openapi("Liveness", { example: { status: "ok" } });

const ReadinessSchema = z
  .object({
    status: z.literal("ready"),
    checks: z.object({
      database: z.literal("ok"),
      migrations: z.literal("ok"),
      config: z.literal("ok"),
    }),
  })
  .openapi("Readiness", {
    example: { status: "ready", checks: { database: "ok", migrations: "ok", config: "ok" } },
  });

const liveness = defineRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  settingsGuarded: false,
  operationId: "getLiveness",
  summary: "Liveness",
  description: "Answers while the isolate can serve requests. Touches nothing.",
  responses: {
    200: { description: "Alive", content: { "application/json": { schema: LivenessSchema } } },
  },
});

class NotReadyError extends ServiceUnavailableError {
  static override readonly code = "not_ready";
  constructor(readonly errors: FieldError[]) {
    super(`Not ready: ${errors.map((e) => e.path.replace("checks.", "")).join(", ")}`);
  }
}

const readiness = defineRoute({
  method: "get",
  path: "/health/ready",
  tags: ["Health"],
  settingsGuarded: false,
  operationId: "getReadiness",
  summary: "Readiness",
  description:
    "Ready when D1 answers, every migration bundled with this Worker is applied and the settings are valid. Otherwise 503 naming each failed check in `errors`.",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: ReadinessSchema } } },
    503: {
      description: "Not ready (not_ready)",
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: ProblemSchema,
          example: {
            ...exampleProblem(NotReadyError),
            detail: "Not ready: migrations",
            errors: [
              {
                path: "checks.migrations",
                message: "pending migrations: 0001_x.sql",
                code: "check_failed",
              },
            ],
          },
        },
      },
    },
  },
});

export const healthRoutes = new OpenAPIHono<AppEnv>()
  .openapi(liveness, (c) => c.json({ status: "ok" as const }, 200))
  .openapi(readiness, async (c) => {
    const { ready, checks } = await c.var.services.health.readiness();
    if (!ready) {
      throw new NotReadyError(
        Object.entries(checks).flatMap(([name, check]) =>
          check.ok ? [] : [{ path: `checks.${name}`, message: check.reason, code: "check_failed" }],
        ),
      );
    }
    return c.json(
      {
        status: "ready" as const,
        checks: { database: "ok", migrations: "ok", config: "ok" } as const,
      },
      200,
    );
  });
