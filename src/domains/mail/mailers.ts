import type { Logger } from "../../lib/logger";
import { isLocalEnv } from "../../settings";

export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  /** Stable per outbox row, so a provider can drop a duplicate of a retried send. */
  idempotencyKey: string;
};

/** Delivers one message or throws; the queue consumer retries on failure. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * Development mailer: writes the whole message to the log so a developer can follow a
 * reset link locally. Logging a message body (and its token) is the point of it, which is
 * why it refuses to exist outside development and tests.
 */
export class LogMailer implements Mailer {
  constructor(
    private readonly logger: Logger,
    appEnv: string,
  ) {
    if (!isLocalEnv(appEnv)) {
      throw new Error(`The log mailer only runs in development and tests, not in '${appEnv}'`);
    }
  }

  async send(message: MailMessage): Promise<void> {
    this.logger.info("mail (development log mailer)", {
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
  }
}

export class MailDeliveryError extends Error {}

export type HttpMailerConfig = {
  url: string;
  apiKey: string;
  from: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
};

/**
 * A transactional email provider over HTTP, in the shape of Resend's `POST /emails`
 * (`{ from, to: [..], subject, text }`, bearer API key, `Idempotency-Key` header).
 */
export class HttpMailer implements Mailer {
  constructor(private readonly config: HttpMailerConfig) {}

  async send(message: MailMessage): Promise<void> {
    const send = this.config.fetch ?? fetch;
    let response: Response;
    try {
      response = await send(this.config.url, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${this.config.apiKey}`,
          "Content-Type": "application/json",
          "Idempotency-Key": message.idempotencyKey,
        },
        body: JSON.stringify({
          from: this.config.from,
          to: [message.to],
          subject: message.subject,
          text: message.text,
        }),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new MailDeliveryError(
        `mail provider unreachable: ${error instanceof Error ? error.name : "error"}`,
      );
    }
    // Drain the body either way; its content is not logged (it may echo the message).
    await response.body?.cancel();
    if (!response.ok) throw new MailDeliveryError(`mail provider answered ${response.status}`);
  }
}
