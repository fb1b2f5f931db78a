import { createDatabase, type Database } from "./db/client";
import { RequestD1 } from "./db/request-d1";
import { d1UnitOfWork, type UnitOfWorkFactory } from "./db/unit-of-work";
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
import { jsonLogger, type Logger } from "./lib/logger";
import { bindingRateLimiter, type RateLimitName } from "./lib/rate-limit";
import { TextSealer } from "./lib/sealed-text";
import type { TraceContext } from "./lib/trace-context";
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

/**
 * Who the services work for: a request or a queue message. Their log lines carry its ids,
 * and the mail they queue carries its trace, so the consumer's lines join the same trace.
 */
export type Scope = { log: Logger; trace?: TraceContext };

const UNSCOPED: Scope = { log: jsonLogger };

function requireSettings(env: Bindings): Settings {
  const result = loadSettings(env);
  if (!result.ok) {
    throw new MisconfiguredError(`Invalid settings: ${result.invalid.join(", ")}`);
  }
  return result.settings;
}

/**
 * The composition root, per request (or per queue batch / cron run): wires repositories
 * over this request's bindings into services. Each service is built on first use and kept
 * (getters on the prototype: nothing is defined per request), and Drizzle is built only
 * when a repository needs it, so a request pays only for what it uses (GET /health for
 * nothing). A request passes its D1 session (`d1`); jobs use the binding, so the primary.
 */
class RequestServices implements Services {
  #db: Database | undefined;
  #unitOfWork: UnitOfWorkFactory | undefined;
  #health: HealthService | undefined;
  #users: UsersService | undefined;
  #sessions: SessionsService | undefined;
  #auth: AuthService | undefined;
  #mailer: Mailer | undefined;
  #mail: MailService | undefined;
  #deadLetters: DeadLettersService | undefined;
  #accessTokens: AccessTokens | undefined;
  #authenticator: Authenticator | undefined;
  #products: ProductsService | undefined;
  #orders: OrdersService | undefined;
  #idempotency: IdempotencyService | undefined;

  constructor(
    private readonly env: Bindings,
    private readonly d1: RequestD1,
    private readonly scope: Scope,
  ) {}

  private get db(): Database {
    this.#db ??= createDatabase(this.d1);
    return this.#db;
  }

  private get unitOfWork(): UnitOfWorkFactory {
    this.#unitOfWork ??= d1UnitOfWork(this.db);
    return this.#unitOfWork;
  }

  private limiter(name: RateLimitName) {
    return bindingRateLimiter(this.env[name], name);
  }

  get health(): HealthService {
    this.#health ??= new HealthService(new D1HealthRepository(this.db), BUNDLED_MIGRATIONS, () =>
      loadSettings(this.env),
    );
    return this.#health;
  }

  get users(): UsersService {
    this.#users ??= new UsersService(
      new D1UsersRepository(this.db),
      this.unitOfWork,
      this.sessions,
      systemClock,
    );
    return this.#users;
  }

  get sessions(): SessionsService {
    this.#sessions ??= new SessionsService(
      new D1RefreshTokensRepository(this.db),
      this.unitOfWork,
      systemClock,
    );
    return this.#sessions;
  }

  get auth(): AuthService {
    if (this.#auth) return this.#auth;
    const settings = requireSettings(this.env);
    this.#auth = new AuthService({
      users: this.users,
      sessions: this.sessions,
      resetTokens: new D1ResetTokensRepository(this.db),
      accessTokens: this.accessTokens,
      mail: this.mail,
      hasher: createPasswordHasher({ pepper: settings.PASSWORD_PEPPER }),
      limits: {
        loginEmail: this.limiter("LOGIN_EMAIL_LIMITER"),
        loginIp: this.limiter("LOGIN_IP_LIMITER"),
        resetEmail: this.limiter("RESET_EMAIL_LIMITER"),
        registerIp: this.limiter("REGISTER_IP_LIMITER"),
        passwordChange: this.limiter("PASSWORD_CHANGE_LIMITER"),
      },
      unitOfWork: this.unitOfWork,
      clock: systemClock,
      resetUrl: passwordResetUrl(settings),
    });
    return this.#auth;
  }

  get mailer(): Mailer {
    if (this.#mailer) return this.#mailer;
    const settings = requireSettings(this.env);
    this.#mailer =
      settings.MAILER === "log"
        ? new LogMailer(this.scope.log, settings.APP_ENV)
        : // Settings refuse MAILER=http without both of these.
          new HttpMailer({
            url: settings.MAIL_API_URL ?? "",
            apiKey: settings.MAIL_API_KEY ?? "",
            from: settings.MAIL_FROM,
          });
    return this.#mailer;
  }

  get mail(): MailService {
    this.#mail ??= new MailService(
      new D1OutboxRepository(this.db),
      bindingMailQueue(this.env.MAIL_QUEUE as Queue<MailJob>, this.scope.trace),
      this.mailer,
      systemClock,
      this.scope.log,
      new TextSealer(outboxKeys(requireSettings(this.env))),
    );
    return this.#mail;
  }

  get deadLetters(): DeadLettersService {
    this.#deadLetters ??= new DeadLettersService(new D1OutboxRepository(this.db), this.scope.log);
    return this.#deadLetters;
  }

  get accessTokens(): AccessTokens {
    if (this.#accessTokens) return this.#accessTokens;
    const settings = requireSettings(this.env);
    this.#accessTokens = new AccessTokens({
      secret: settings.JWT_SECRET,
      previousSecret: settings.JWT_SECRET_PREVIOUS,
      issuer: settings.JWT_ISSUER,
      audience: settings.JWT_AUDIENCE,
    });
    return this.#accessTokens;
  }

  get authenticator(): Authenticator {
    this.#authenticator ??= new Authenticator(
      this.accessTokens,
      new D1PrincipalsRepository(this.d1),
      this.d1,
    );
    return this.#authenticator;
  }

  get products(): ProductsService {
    this.#products ??= new ProductsService(new D1ProductsRepository(this.db), systemClock);
    return this.#products;
  }

  get orders(): OrdersService {
    this.#orders ??= new OrdersService({
      orders: new D1OrdersRepository(this.db),
      products: this.products,
      users: this.users,
      mail: this.mail,
      placeLimiter: this.limiter("ORDER_PLACE_LIMITER"),
      unitOfWork: this.unitOfWork,
      clock: systemClock,
    });
    return this.#orders;
  }

  get idempotency(): IdempotencyService {
    this.#idempotency ??= new IdempotencyService(
      new D1IdempotencyRepository(this.db, this.d1),
      this.unitOfWork,
      systemClock,
    );
    return this.#idempotency;
  }
}

/** The services of one request (or job run); `overrides` replace any of them, for tests. */
export function buildServices(
  env: Bindings,
  overrides: ServiceOverrides = {},
  // Jobs have no request: their queries go to the primary.
  d1: RequestD1 = new RequestD1(env.DB, { constraint: "first-primary" }),
  scope: Scope = UNSCOPED,
): Services {
  const services: Services = new RequestServices(env, d1, scope);
  for (const [name, service] of Object.entries(overrides)) {
    // An own property shadows the prototype's getter, also for the services built from it.
    Object.defineProperty(services, name, { value: service, enumerable: true });
  }
  return services;
}
