import { buildServices, type Services } from "../container";
import { errorLogFields } from "../lib/error-log";
import { jsonLogger } from "../lib/logger";
import type { Bindings } from "../settings";

/** One independent piece of periodic work. Its result (e.g. a count) is logged. */
export type ScheduledTask = {
  name: string;
  run(services: Services): Promise<unknown>;
};

/** Everything the cron (wrangler.toml `[triggers]`) does. Add a task to this list. */
export const scheduledTasks: ScheduledTask[] = [
  { name: "mail.requeue_stranded", run: (services) => services.mail.requeueStranded() },
  { name: "idempotency.purge_expired", run: (services) => services.idempotency.purgeExpired() },
  { name: "sessions.purge_expired", run: (services) => services.sessions.purgeExpired() },
  {
    name: "auth.purge_expired_reset_tokens",
    run: (services) => services.auth.purgeExpiredResetTokens(),
  },
];

export class ScheduledTasksFailed extends Error {}

/**
 * Runs every task, each on its own: one failing does not stop the others. The run fails
 * afterwards (so the Workers dashboard shows it) naming the tasks that failed.
 */
export function createScheduledHandler(
  tasks: readonly ScheduledTask[] = scheduledTasks,
  build: (env: Bindings) => Services = buildServices,
) {
  return async (controller: ScheduledController, env: Bindings): Promise<void> => {
    const services = build(env);
    const results = await Promise.allSettled(tasks.map((task) => task.run(services)));
    const failed: string[] = [];
    results.forEach((result, index) => {
      const name = (tasks[index] as ScheduledTask).name;
      if (result.status === "fulfilled") {
        jsonLogger.info("scheduled task done", {
          task: name,
          cron: controller.cron,
          result: typeof result.value === "number" ? result.value : null,
        });
        return;
      }
      failed.push(name);
      const error = result.reason;
      jsonLogger.error("scheduled task failed", {
        task: name,
        cron: controller.cron,
        ...errorLogFields(error),
      });
    });
    if (failed.length > 0) {
      throw new ScheduledTasksFailed(`Scheduled tasks failed: ${failed.join(", ")}`);
    }
  };
}

export const handleScheduled = createScheduledHandler();
