import { createDatabase } from "./db/client";
import { RequestD1 } from "./db/request-d1";
import { d1UnitOfWork } from "./db/unit-of-work";
import { AccessTokens } from "./domains/auth/access-tokens";
import { D1RefreshTokensRepository, D1ResetTokensRepository } from "./domains/auth/auth.repository";
import { AuthService } from "./domains/auth/auth.service";
import { Authenticator } from "./domains/auth/authenticator";
import { createPasswordHasher } from "./domains/auth/passwords";
import { D1PrincipalsRepository } from "./domains/auth/principals.repository";
import { SessionsService } from "./domains/auth/sessions.service";
import { BUNDLED_MIGRATIONS } from "./domains/health/health.migrations";
import { D1HealthRepository } from "./domains/health/health.repository";
import { HealthService } from "./domains/health/health.service";
import { D1IdempotencyRepository } from "./domains/idempotency/idempotency.repository";
import { IdempotencyService } from "./domains/idempotency/idempotency.service";
import { DeadLettersService } from "./domains/mail/mail.dead-letters";
import { D1OutboxRepository } from "./domains/mail/mail.repository";
import { bindingMailQueue, type MailJob, MailService } from "./domains/mail/mail.service";
import { HttpMailer, LogMailer, type Mailer } from "./domains/mail/mailers";
import { D1OrdersRepository } from "./domains/orders/orders.repository";
import { OrdersService } from "./domains/orders/orders.service";
import { D1ProductsRepository } from "./domains/products/products.repository";
import { ProductsService } from "./domains/products/products.service";
import { D1UsersRepository } from "./domains/users/users.repository";
import { UsersService } from "./domains/users/users.service";
import { systemClock } from "./lib/clock";
import { MisconfiguredError } from "./lib/errors";
import { jsonLogger } from "./lib/logger";
import { bindingRateLimiter, type RateLimitName } from "./lib/rate-limit";
import { TextSealer } from "./lib/sealed-text";
import {
  type Bindings,
  loadSettings,
  outboxKeys,
  passwordResetUrl,
  type Settings,
} from "./settings";

export type Services = {
  health: HealthService;
  users: UsersService;
  authenticator: Authenticator;
  accessTokens: AccessTokens;
  products: ProductsService;
  auth: AuthService;
  sessions: SessionsService;
  mail: MailService;
  deadLetters: DeadLettersService;
  /** A collaborator rather than a service: tests swap it to make delivery fail. */
  mailer: Mailer;
  orders: OrdersService;
  idempotency: IdempotencyService;
};

export type ServiceOverrides = Partial<Services>;

/** Defines `name` as a getter that builds the service on first use and keeps it. */
function lazy<K extends keyof Services>(target: Services, name: K, build: () => Services[K]): void {
  let instance: Services[K] | undefined;
  Object.defineProperty(target, name, {
    enumerable: true,
    // Overrides (tests) redefine the property after it is declared here.
    configurable: true,
    get: () => {
      instance ??= build();
      return instance;
    },
  });
}

function requireSettings(env: Bindings): Settings {
  const result = loadSettings(env);
  if (!result.ok) {
    throw new MisconfiguredError(`Invalid settings: ${result.invalid.join(", ")}`);
  }
  return result.settings;
}

/**
 * The composition root, per request (or per queue batch / cron run): wires repositories
 * over this request's bindings into services. Services are built lazily, so a request
 * pays only for what it uses. Overrides replace any service, for tests. A request passes
 * its D1 session (`d1`); jobs use the binding, so the primary.
 */
export function buildServices(
  env: Bindings,
  overrides: ServiceOverrides = {},
  // Jobs have no request: their queries go to the primary.
  d1: RequestD1 = new RequestD1(env.DB, { constraint: "first-primary" }),
): Services {
  const db = createDatabase(d1);
  const clock = systemClock;
  const unitOfWork = d1UnitOfWork(db);
  const limiter = (name: RateLimitName) => bindingRateLimiter(env[name], name);
  const services = {} as Services;

  lazy(
    services,
    "health",
    () =>
      new HealthService(new D1HealthRepository(db), BUNDLED_MIGRATIONS, () => loadSettings(env)),
  );
  lazy(
    services,
    "users",
    () => new UsersService(new D1UsersRepository(db), unitOfWork, services.sessions, clock),
  );
  lazy(
    services,
    "sessions",
    () => new SessionsService(new D1RefreshTokensRepository(db), unitOfWork, clock),
  );
  lazy(services, "auth", () => {
    const settings = requireSettings(env);
    return new AuthService({
      users: services.users,
      sessions: services.sessions,
      resetTokens: new D1ResetTokensRepository(db),
      accessTokens: services.accessTokens,
      mail: services.mail,
      hasher: createPasswordHasher({ pepper: settings.PASSWORD_PEPPER }),
      limits: {
        loginEmail: limiter("LOGIN_EMAIL_LIMITER"),
        loginIp: limiter("LOGIN_IP_LIMITER"),
        resetEmail: limiter("RESET_EMAIL_LIMITER"),
        registerIp: limiter("REGISTER_IP_LIMITER"),
        passwordChange: limiter("PASSWORD_CHANGE_LIMITER"),
      },
      unitOfWork,
      clock,
      resetUrl: passwordResetUrl(settings),
    });
  });
  lazy(services, "mailer", () => {
    const settings = requireSettings(env);
    if (settings.MAILER === "log") return new LogMailer(jsonLogger, settings.APP_ENV);
    // Settings refuse MAILER=http without both of these.
    return new HttpMailer({
      url: settings.MAIL_API_URL ?? "",
      apiKey: settings.MAIL_API_KEY ?? "",
      from: settings.MAIL_FROM,
    });
  });
  lazy(
    services,
    "mail",
    () =>
      new MailService(
        new D1OutboxRepository(db),
        bindingMailQueue(env.MAIL_QUEUE as Queue<MailJob>),
        services.mailer,
        clock,
        jsonLogger,
        new TextSealer(outboxKeys(requireSettings(env))),
      ),
  );
  lazy(
    services,
    "deadLetters",
    () => new DeadLettersService(new D1OutboxRepository(db), jsonLogger),
  );
  lazy(services, "accessTokens", () => {
    const settings = requireSettings(env);
    return new AccessTokens({
      secret: settings.JWT_SECRET,
      previousSecret: settings.JWT_SECRET_PREVIOUS,
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
    });
  });
  lazy(
    services,
    "authenticator",
    () => new Authenticator(services.accessTokens, new D1PrincipalsRepository(db, d1), d1),
  );

  lazy(services, "products", () => new ProductsService(new D1ProductsRepository(db), clock));
  lazy(
    services,
    "orders",
    () =>
      new OrdersService({
        orders: new D1OrdersRepository(db),
        products: services.products,
        users: services.users,
        mail: services.mail,
        placeLimiter: limiter("ORDER_PLACE_LIMITER"),
        unitOfWork,
        clock,
      }),
  );
  lazy(
    services,
    "idempotency",
    () => new IdempotencyService(new D1IdempotencyRepository(db, d1), unitOfWork, clock),
  );

  for (const [name, service] of Object.entries(overrides)) {
    Object.defineProperty(services, name, { value: service, enumerable: true });
  }
  return services;
}
