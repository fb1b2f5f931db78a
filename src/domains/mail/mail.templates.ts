import { z } from "zod";
import { formatMoney } from "../../lib/money";
import { isSealed } from "../../lib/sealed-text";

export type RenderedMail = { subject: string; text: string };

type TemplateDefinition<S extends z.ZodType> = {
  data: S;
  render: (data: z.infer<S>) => RenderedMail;
  /**
   * Its data holds a secret (a live token): the payload is sealed (encrypted) before it
   * reaches D1, opened only to deliver it, and scrubbed once it is sent.
   */
  holdsSecret?: boolean;
};

function defineTemplate<S extends z.ZodType>(definition: TemplateDefinition<S>) {
  return definition;
}

/**
 * Every email the app sends: the data its outbox row stores (validated again at delivery,
 * since rows outlive deployments) and how it renders. To add one, add an entry here and
 * queue it with `await MailService.compose("<name>", to, data)` (set `holdsSecret` when its
 * data holds a secret: the payload is then sealed before it reaches D1).
 */
export const mailTemplates = {
  password_reset: defineTemplate({
    holdsSecret: true,
    // No user-controlled text (such as the account's name): a security email must not let
    // anyone put their own words, lines or links into it. Rows queued before this held a
    // `name`; parsing drops it.
    data: z.object({
      reset_url: z.url(),
      token: z.string(),
      expires_minutes: z.number().int().positive(),
    }),
    render: (data) => ({
      subject: "Reset your password",
      text: [
        "Hello,",
        "",
        "Someone asked to reset the password of your Edge Store account. If it was you,",
        `open this link within ${data.expires_minutes} minutes (it works once):`,
        "",
        data.reset_url,
        "",
        `Or send this token to POST /api/v1/auth/password-reset/confirm: ${data.token}`,
        "",
        "If it was not you, ignore this email: your password stays as it is.",
      ].join("\n"),
    }),
  }),
  order_confirmation: defineTemplate({
    data: z.object({
      order_id: z.string(),
      currency: z.string(),
      subtotal_cents: z.number().int(),
      discount_cents: z.number().int(),
      total_cents: z.number().int(),
      items: z.array(
        z.object({
          sku: z.string(),
          name: z.string(),
          quantity: z.number().int(),
          unit_price_cents: z.number().int(),
          line_total_cents: z.number().int(),
        }),
      ),
    }),
    render: (data) => {
      const money = (cents: number) => formatMoney(cents, data.currency);
      return {
        subject: `Order confirmed: ${data.order_id}`,
        text: [
          "Thank you for your order. It is placed and its items are reserved for you.",
          "",
          ...data.items.map(
            (item) =>
              `${item.quantity} x ${item.name} (${item.sku}) at ${money(item.unit_price_cents)}: ${money(item.line_total_cents)}`,
          ),
          "",
          `Subtotal: ${money(data.subtotal_cents)}`,
          ...(data.discount_cents > 0 ? [`Discount: -${money(data.discount_cents)}`] : []),
          `Total: ${money(data.total_cents)}`,
          "",
          `Order id: ${data.order_id}`,
        ].join("\n"),
      };
    },
  }),
};

export type TemplateName = keyof typeof mailTemplates;
export type TemplateData<T extends TemplateName> = z.infer<(typeof mailTemplates)[T]["data"]>;
export class UnknownTemplateError extends Error {}

/** Renders a stored row; throws when the template or its data is not (any longer) valid. */
export function renderStored(template: string, payload: string): RenderedMail {
  if (!Object.hasOwn(mailTemplates, template)) {
    throw new UnknownTemplateError(`Unknown mail template '${template}'`);
  }
  // Safe widening: the data handed to render is what this same entry's schema parsed.
  const entry = mailTemplates[template as TemplateName] as unknown as TemplateDefinition<
    z.ZodType<unknown>
  >;
  return entry.render(entry.data.parse(JSON.parse(payload)));
}

/**
 * A stored payload whose secret is readable: queued before payloads were sealed. Such a row
 * is scrubbed when given up (it cannot be re-sent); a sealed one keeps its ciphertext.
 */
export function holdsPlainSecret(template: string, payload: string): boolean {
  return holdsSecret(template) && !isSealed(payload);
}

/** Whether a stored row's template keeps a secret in its payload (unknown ones: assume so). */
export function holdsSecret(template: string): boolean {
  if (!Object.hasOwn(mailTemplates, template)) return true;
  const entry: { holdsSecret?: boolean } = mailTemplates[template as TemplateName];
  return entry.holdsSecret === true;
}
