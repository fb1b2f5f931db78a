import type { Services } from "../container";
import type { Principal } from "../domains/auth/auth.principal";
import type { Bindings } from "../settings";

/** What middleware puts on the Hono context for the handlers after it. */
export type Variables = {
  requestId: string;
  services: Services;
  principal?: Principal;
};

/** The Hono environment of every router: the runtime's bindings plus the variables above. */
export type AppEnv = { Bindings: Bindings; Variables: Variables };
