import { createDatabase } from "./db/client";
import { d1UnitOfWork } from "./db/unit-of-work";
import { AccessTokens } from "./domains/auth/access-tokens";
import { Authenticator } from "./domains/auth/authenticator";
import { BUNDLED_MIGRATIONS } from "./domains/health/health.migrations";
import { D1HealthRepository } from "./domains/health/health.repository";
import { HealthService } from "./domains/health/health.service";
import { D1ProductsRepository } from "./domains/products/products.repository";
import { ProductsService } from "./domains/products/products.service";
import { D1UsersRepository } from "./domains/users/users.repository";
import { UsersService } from "./domains/users/users.service";
import { type Bindings, loadSettings, type Settings } from "./env";
import { systemClock } from "./lib/clock";
import { ServiceUnavailableError } from "./lib/errors";

export type Services = {
  health: HealthService;
  users: UsersService;
  authenticator: Authenticator;
  accessTokens: AccessTokens;
  products: ProductsService;
};

export type ServiceOverrides = Partial<Services>;

/** Defines `name` as a getter that builds the service on first use and keeps it. */
function lazy<K extends keyof Services>(target: Services, name: K, build: () => Services[K]): void {
  let instance: Services[K] | undefined;
  Object.defineProperty(target, name, {
    enumerable: true,
    get: () => {
      instance ??= build();
      return instance;
    },
  });
}

function requireSettings(env: Bindings): Settings {
  const result = loadSettings(env);
  if (!result.ok) {
    throw new ServiceUnavailableError(
      "misconfigured",
      `Invalid settings: ${result.invalid.join(", ")}`,
    );
  }
  return result.settings;
}

/**
 * The composition root, per request (or per queue batch / cron run): wires repositories
 * over this request's bindings into services. Services are built lazily, so a request
 * pays only for what it uses. Overrides replace any service, for tests.
 */
export function buildServices(env: Bindings, overrides: ServiceOverrides = {}): Services {
  const db = createDatabase(env.DB);
  const clock = systemClock;
  const unitOfWork = d1UnitOfWork(db);
  const services = {} as Services;

  lazy(
    services,
    "health",
    () =>
      new HealthService(new D1HealthRepository(db), BUNDLED_MIGRATIONS, () => loadSettings(env)),
  );
  lazy(services, "users", () => new UsersService(new D1UsersRepository(db)));
  lazy(services, "accessTokens", () => {
    const settings = requireSettings(env);
    return new AccessTokens({
      secret: settings.JWT_SECRET,
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
    });
  });
  lazy(services, "authenticator", () => new Authenticator(services.accessTokens, services.users));

  lazy(services, "products", () => new ProductsService(new D1ProductsRepository(db), clock));

  void unitOfWork;
  for (const [name, service] of Object.entries(overrides)) {
    Object.defineProperty(services, name, { value: service, enumerable: true });
  }
  return services;
}
