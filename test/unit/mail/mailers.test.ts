import { describe, expect, it } from "vitest";
import { HttpMailer, LogMailer, MailDeliveryError } from "../../../src/domains/mail/mailers";
import type { LogFields, Logger } from "../../../src/lib/logger";

const MESSAGE = {
  to: "ada@example.com",
  subject: "Reset your password",
  text: "Open https://shop.test/reset-password#token=abc",
  idempotencyKey: "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90",
};

describe("LogMailer", () => {
  it("writes the whole message to the log in development", async () => {
    const lines: LogFields[] = [];
    const logger: Logger = { info: (_m, f) => lines.push(f ?? {}), warn() {}, error() {} };
    await new LogMailer(logger, "development").send(MESSAGE);
    expect(lines).toEqual([{ to: MESSAGE.to, subject: MESSAGE.subject, text: MESSAGE.text }]);
  });

  it.each(["staging", "production"])("refuses to exist in %s", (appEnv) => {
    const logger: Logger = { info() {}, warn() {}, error() {} };
    expect(() => new LogMailer(logger, appEnv)).toThrow(/only runs in development/);
  });
});

describe("HttpMailer", () => {
  function mailer(status: number, requests: Request[] = []) {
    return new HttpMailer({
      url: "https://mail.test/emails",
      apiKey: "secret-api-key",
      from: "Shop <no-reply@shop.test>",
      fetch: async (input, init) => {
        requests.push(new Request(input, init));
        return new Response("{}", { status });
      },
    });
  }

  it("posts the message with the API key and the outbox id as idempotency key", async () => {
    const requests: Request[] = [];
    await mailer(200, requests).send(MESSAGE);
    const [request] = requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("https://mail.test/emails");
    expect(request?.headers.get("Authorization")).toBe("Bearer secret-api-key");
    expect(request?.headers.get("Idempotency-Key")).toBe(MESSAGE.idempotencyKey);
    expect(await request?.json()).toEqual({
      from: "Shop <no-reply@shop.test>",
      to: [MESSAGE.to],
      subject: MESSAGE.subject,
      text: MESSAGE.text,
    });
  });

  it("throws on a provider error without the key in the message", async () => {
    const error = await mailer(502)
      .send(MESSAGE)
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as Error).message).toBe("mail provider answered 502");
  });

  it("throws when the provider is unreachable", async () => {
    const failing = new HttpMailer({
      url: "https://mail.test/emails",
      apiKey: "secret-api-key",
      from: "x@shop.test",
      fetch: async () => {
        throw new TypeError("network down");
      },
    });
    await expect(failing.send(MESSAGE)).rejects.toThrow("mail provider unreachable: TypeError");
  });
});
